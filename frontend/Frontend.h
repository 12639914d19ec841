//===- frontend/Frontend.h - the whole C++ graph-building API -------------===//
///
/// One include for programs that build graphs in C++: Graph and Tensor, type
/// spellings, initialisers, optimisers and the nn layers, losses and
/// penalties. See Graph.h for a first example.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Graph.h"
#include "frontend/Initializers.h"
#include "frontend/LrSchedules.h"
#include "frontend/Optimizers.h"
#include "frontend/Tensor.h"
#include "frontend/Types.h"
#include "frontend/nn/Activations.h"
#include "frontend/nn/Attention.h"
#include "frontend/nn/BatchNorm.h"
#include "frontend/nn/Conv2d.h"
#include "frontend/nn/Dropout.h"
#include "frontend/nn/Embedding.h"
#include "frontend/nn/Flatten.h"
#include "frontend/nn/LayerNorm.h"
#include "frontend/nn/Linear.h"
#include "frontend/nn/Losses.h"
#include "frontend/nn/Module.h"
#include "frontend/nn/Pooling.h"
#include "frontend/nn/Regularizers.h"
#include "frontend/nn/Sequential.h"
#include "frontend/nn/TransformerBlock.h"
