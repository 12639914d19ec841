#!/usr/bin/env bash
# Installs, builds, and runs the main job: compile a model and run it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/compiler/driver/voskhod train examples/fashion_mlp.vg --data fashion-mnist --epochs 6 --checkpoint runs/fashion_mlp
