#pragma once
#include "core/Core.h"
#include "core/Other.h"
#include "lib/inner/Inner.h"
#include <vector>
