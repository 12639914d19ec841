#!/usr/bin/env bash
# Builds and runs the two AOT examples against a voskhod build, as a user
# would on a machine with nothing of voskhod but its installed files:
#
#   1. examples/aot_c: `voskhod compile` the seed classifier, build the plain
#      C program with -std=c99 -Wall -Werror, check that the object exports
#      only `classifier_` symbols and that the program links no LLVM and no
#      voskhod library, then run it;
#   2. examples/aot_cmake: `cmake --install` the build into a fresh prefix,
#      configure the downstream project against that prefix with
#      find_package(Voskhod), build it (voskhod_add_model compiles two
#      models) and run it;
#   3. examples/cpp_embed: against the same prefix, a C++ program that links
#      the installed library (Voskhod::voskhod), trains a model in-process on
#      a CSV, saves, reloads and predicts.
#
#   tests/aot/run_examples.sh BUILD_DIR WORK_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
work=$2
voskhod=$build/compiler/driver/voskhod
rm -rf "$work"
mkdir -p "$work/aot_c"

fail() {
  echo "run_examples: $*" >&2
  exit 1
}

# Only the C program's own libraries: no LLVM, no voskhod.
check_links() {
  if ldd "$1" | grep -Ei 'llvm|voskhod'; then
    fail "$1 links a library it must not"
  fi
}

echo "== examples/aot_c"
if command -v make >/dev/null; then
  make -s -f "$src/examples/aot_c/Makefile" VOSKHOD="$voskhod" OUT="$work/aot_c"
else # what the Makefile does
  "$voskhod" compile "$src/examples/classifier.vg" --target=cpu \
    -o "$work/aot_c/classifier.o" --header "$work/aot_c/classifier.h"
  cc -std=c99 -Wall -Wextra -Werror -O2 -I"$work/aot_c" \
    "$src/examples/aot_c/main.c" "$work/aot_c/classifier.o" -lm -lpthread \
    -o "$work/aot_c/train_classifier"
fi
exported=$(nm -g --defined-only "$work/aot_c/classifier.o" | awk '{print $3}')
[[ -n $exported ]] || fail "classifier.o exports nothing"
if grep -v '^classifier_' <<<"$exported"; then
  fail "classifier.o exports symbols without the model's prefix"
fi
echo "classifier.o exports $(wc -l <<<"$exported") symbols, all prefixed"
# The header is C++ too.
c++ -std=c++17 -Wall -Werror -fsyntax-only -x c++ -include cstdio \
  -I"$work/aot_c" - <<<'#include "classifier.h"
int main() { return classifier_param_count(); }'
check_links "$work/aot_c/train_classifier"
(cd "$work/aot_c" && ./train_classifier)

echo "== examples/aot_cmake"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$src/examples/aot_cmake" -B "$work/aot_cmake" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$work/configure.log" || { cat "$work/configure.log"; fail "configure failed"; }
cmake --build "$work/aot_cmake" >"$work/build.log" ||
  { cat "$work/build.log"; fail "build failed"; }
check_links "$work/aot_cmake/train_models"
"$work/aot_cmake/train_models"

echo "== examples/cpp_embed"
cmake -S "$src/examples/cpp_embed" -B "$work/cpp_embed" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$work/configure-embed.log" ||
  { cat "$work/configure-embed.log"; fail "cpp_embed: configure failed"; }
cmake --build "$work/cpp_embed" >"$work/build-embed.log" ||
  { cat "$work/build-embed.log"; fail "cpp_embed: build failed"; }
(cd "$work/cpp_embed" && ./embed_classifier)
