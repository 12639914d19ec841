#!/usr/bin/env bash
# Creates (or reuses) the Python environment of the peer benchmarks: the
# reference environment of scripts/reference-venv.sh (PyTorch and NumPy)
# plus JAX on the CPU (`jax[cpu]`, XLA) from PyPI, for bench/cnn/run.py.
# Prints the interpreter's path on its last line.
#
#   scripts/bench-venv.sh [DIR]      DIR defaults to .venv-reference
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/reference-venv.sh" "$@" | tail -n 1)"
if ! "$python" -c 'import jax' 2>/dev/null; then
  "$python" -m pip install -q --disable-pip-version-check 'jax[cpu]' >&2
fi
echo "$python"
