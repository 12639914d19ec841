# lit configuration for voskhod's regression tests: tests/lit/<area>/*.vg
# (and *.test for shell-driven cases), each with `// RUN:` lines.
import os
import re
import shutil
import subprocess

import lit.formats

config.name = "voskhod"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".vg", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.join(config.voskhod_source_dir, "tests", "lit")
config.test_exec_root = os.path.join(config.voskhod_build_dir, "tests", "lit")

config.environment["PATH"] = os.pathsep.join(
    [config.voskhod_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Deterministic, colourless output for FileCheck.
config.environment["NO_COLOR"] = "1"
config.environment["TERM"] = "dumb"

config.substitutions.append(("%voskhod", os.path.join(config.voskhod_bin_dir, "voskhod")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%srcroot", config.voskhod_source_dir))
config.substitutions.append(("%builddir", config.voskhod_build_dir))

def has_cuda_device():
    if shutil.which("nvidia-smi") is None:
        return False
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, timeout=20)
        return out.returncode == 0 and b"GPU" in out.stdout
    except Exception:
        return False

if has_cuda_device():
    config.available_features.add("cuda-device")
# NVRTC in this build (`nvrtc`): PTX and cubins, here and in aot/ for GPU
# objects.
try:
    with open(os.path.join(config.voskhod_build_dir, "CMakeCache.txt")) as f:
        if re.search(r"^VOSKHOD_PTXAS:FILEPATH=\S", f.read(), re.M):
            config.available_features.add("nvrtc")
except OSError:
    pass
if os.path.exists(os.path.join(config.voskhod_build_dir, "compiler", "codegen", "llvm")):
    config.available_features.add("llvm-backend")
if os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")
