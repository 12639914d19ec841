#pragma once
#include "core/Core.h"
#include "../../core/Other.h"
#include "lib/Lib.h"
