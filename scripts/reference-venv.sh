#!/usr/bin/env bash
# Creates (or reuses) the Python environment the reference generators and the
# peer benchmarks run in: PyTorch 2.x and NumPy from PyPI. Tests never need
# it; the references it produces are checked in. Prints the interpreter's
# path on its last line.
#
#   scripts/reference-venv.sh [DIR]      DIR defaults to .venv-reference
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/.venv-reference}"
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get install -y -q python3-venv >&2
fi
[ -x "$dir/bin/python" ] || python3 -m venv "$dir" >&2
if ! "$dir/bin/python" -c 'import torch, numpy' 2>/dev/null; then
  "$dir/bin/pip" install -q --disable-pip-version-check \
    'torch>=2.1,<3' 'numpy<3' >&2
fi
echo "$dir/bin/python"
