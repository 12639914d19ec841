"""What the epoch benchmarks share: building the voskhod driver they time,
the load average they report next to every figure, and the line of
`voskhod train` output an epoch's accuracy and time are read from."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EPOCH_LINE = re.compile(r"^epoch (\d+)/\d+: .*test loss \S+ acc ([\d.]+)% \(([\d.]+) s\)")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def build(build_dir):
    """The driver of a Release build in build_dir, configured on first use."""
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=Release",
                               "-DCMAKE_CXX_FLAGS_RELEASE=-O2",
                               "-DCMAKE_C_FLAGS_RELEASE=-O2"])
    subprocess.check_call(["ninja", "-C", build_dir, "voskhod"])
    return os.path.join(build_dir, "compiler", "driver", "voskhod")
