#include "lib/Lib.h"
#include "app/App.h"
#include "llvm/IR/Module.h"
#include "generated.h"
