#pragma once
#include "lib/Lib.h"
#include "lib/inner/Inner.h"
#include "core/Core.h"
#include "../core/Other.h"
#include "core/Missing.h"
