/*===- tests/kill-resume/KillBeforeRename.c - a SIGKILL at a fixed save ---===*/
/*
 * Preloaded into `voskhod train` by kill_at_renames.py: the process sends
 * itself SIGKILL just before its Nth rename(2), N from the environment
 * variable VOSKHOD_KILL_BEFORE_RENAME (unset: no kill). Every file the
 * Trainer saves is made whole in a temporary and renamed into place
 * (trainer/AtomicFile.cpp), so the files on disk change only at renames:
 * killing before each one in turn visits every state a SIGKILL can leave.
 *
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>

int rename(const char *from, const char *to) {
  static int (*next)(const char *, const char *);
  static long seen;
  const char *n = getenv("VOSKHOD_KILL_BEFORE_RENAME");
  if (n && ++seen == strtol(n, NULL, 10))
    raise(SIGKILL);
  if (!next)
    next = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
  return next(from, to);
}
