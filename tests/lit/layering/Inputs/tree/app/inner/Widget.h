#pragma once
#include "app/App.h"
