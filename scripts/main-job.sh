#!/usr/bin/env bash
# Installs, builds, and runs the main job: trains examples/fashion_mlp.vg on
# Fashion-MNIST for 8 epochs and prints the test accuracy, the checkpoint and
# the SVG loss plot. The epoch count was chosen on a validation split held
# out of the training set (see docs/PERFORMANCE.md), not on the test set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/compiler/driver/voskhod train examples/fashion_mlp.vg --data fashion-mnist --epochs 8 --checkpoint runs/fashion_mlp
