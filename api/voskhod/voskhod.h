//===- api/voskhod/voskhod.h - the public C++ API in one include ----------===//
///
/// Everything a program outside this tree needs: the graph-building API
/// (`Graph`, `Tensor`, `nn::Module`, initialisers, optimisers), `compile`
/// and `compileToObject`, the `Model` they produce, its tensor values, and
/// the data sets and Trainer options `Model::fit` takes. docs/CPP_API.md
/// describes it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <voskhod/Array.h>
#include <voskhod/Compile.h>
#include <voskhod/Model.h>

#include "frontend/Frontend.h"
#include "trainer/Trainer.h"
#include "trainer/data/CsvReader.h"
#include "trainer/data/DataSpec.h"
#include "trainer/data/Dataset.h"
