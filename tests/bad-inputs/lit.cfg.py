# lit configuration for the bad-input corpus: every file a user can hand
# voskhod, broken on purpose. It reuses tests/lit's configuration (the
# %voskhod substitution, PATH, features) with this folder as the root, and
# adds:
#   %exit1 CMD   runs CMD and requires exit status exactly 1 (a crash or a
#                hang fails the test, where `not` would accept a crash);
#   %exit0 CMD   the same for status 0;
#   %cc          the C compiler for the C-API cases.
import os

lit_config.load_config(
    config, os.path.join(config.voskhod_source_dir, "tests", "lit", "lit.cfg.py"))
config.name = "voskhod-bad-inputs"
config.test_source_root = os.path.join(config.voskhod_source_dir, "tests", "bad-inputs")
config.test_exec_root = os.path.join(config.voskhod_build_dir, "tests", "bad-inputs")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "README.md"]

expect = os.path.join(config.test_source_root, "Inputs", "expect_exit.py")
config.substitutions.insert(0, ("%exit1", "%s %s 1" % (config.python_executable, expect)))
config.substitutions.insert(0, ("%exit0", "%s %s 0" % (config.python_executable, expect)))
config.substitutions.append(("%cc", os.environ.get("CC", "cc")))
