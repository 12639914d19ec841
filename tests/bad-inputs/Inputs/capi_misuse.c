/*===- tests/bad-inputs/Inputs/capi_misuse.c - C API calls done wrong -----===*/
/*
 * One misuse of an AOT model's C API per run, named by the first argument:
 * the program makes the call and prints what came back as
 *
 *   CASE: STATUS: MESSAGE
 *
 * where STATUS is the voskhod_status name (NAN for a train step that
 * refused to run, NULL for a lookup that found nothing) and MESSAGE is
 * NAME_last_error. It exits 1 when the call reported a failure and 0 when
 * it succeeded, so a crash can never pass for the expected error.
 *
 * Three models are linked in: tiny (Inputs/tiny.vg), other
 * (Inputs/tiny-other.vg, other parameters) and wide (Inputs/tiny-f64.vg,
 * tiny's names in f64), for checkpoints of the wrong model and dtype.
 *
 *===----------------------------------------------------------------------===*/
#include "other.h"
#include "tiny.h"
#include "wide.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *status_name(int code) {
  static const char *const names[] = {"VOSKHOD_OK",
                                      "VOSKHOD_ERR_ARGUMENT",
                                      "VOSKHOD_ERR_NOT_FOUND",
                                      "VOSKHOD_ERR_IO",
                                      "VOSKHOD_ERR_TRUNCATED",
                                      "VOSKHOD_ERR_CORRUPT",
                                      "VOSKHOD_ERR_MISMATCH",
                                      "VOSKHOD_ERR_NO_MEMORY",
                                      "VOSKHOD_ERR_UNSUPPORTED"};
  return code >= 0 && code <= 8 ? names[code] : "(unknown status)";
}

static float x[TINY_INPUT_X_SIZE];
static int32_t y[TINY_INPUT_Y_SIZE];
static float lg[TINY_OUTPUT_LG_SIZE];

static int report_status(const char *name, tiny_state *s, int code) {
  printf("%s: %s: %s\n", name, status_name(code), tiny_last_error(s));
  return code == VOSKHOD_OK ? 0 : 1;
}

static int report_loss(const char *name, tiny_state *s, double loss) {
  if (isnan(loss)) {
    printf("%s: NAN: %s\n", name, tiny_last_error(s));
    return 1;
  }
  printf("%s: loss %g\n", name, loss);
  return 0;
}

static int report_pointer(const char *name, const void *p) {
  printf("%s: %s\n", name, p ? "found" : "NULL");
  return p ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: capi_misuse CASE [PATH]\n");
    return 2;
  }
  const char *c = argv[1];
  const char *path = argc > 2 ? argv[2] : "unused";
  for (int i = 0; i < TINY_INPUT_X_SIZE; ++i)
    x[i] = (float)(i % 7) * 0.25f - 0.5f;
  for (int i = 0; i < TINY_INPUT_Y_SIZE; ++i)
    y[i] = i % 2;
  tiny_state *s = tiny_create(7);
  if (!s) {
    fprintf(stderr, "capi_misuse: tiny_create failed\n");
    return 2;
  }
  const void *x_only[] = {x, NULL};
  const void *forward_in[] = {x};
  void *forward_out[] = {lg};
  void *no_output[] = {NULL};
  int rc = 2;

  /* Good calls that make the files the bad ones read. */
  if (!strcmp(c, "save"))
    rc = report_status(c, s, tiny_save(s, path));
  else if (!strcmp(c, "save-other")) {
    other_state *o = other_create(7);
    int code = other_save(o, path);
    printf("%s: %s: %s\n", c, status_name(code), other_last_error(o));
    other_destroy(o);
    rc = code == VOSKHOD_OK ? 0 : 1;
  } else if (!strcmp(c, "save-wide")) {
    wide_state *w = wide_create(7);
    int code = wide_save(w, path);
    printf("%s: %s: %s\n", c, status_name(code), wide_last_error(w));
    wide_destroy(w);
    rc = code == VOSKHOD_OK ? 0 : 1;
  } else if (!strcmp(c, "train"))
    rc = report_loss(c, s, tiny_train_step(s, x, y));

  /* Null handles. */
  else if (!strcmp(c, "null-handle-train-step"))
    rc = report_loss(c, NULL, tiny_train_step(NULL, x, y));
  else if (!strcmp(c, "null-handle-forward"))
    rc = report_status(c, NULL, tiny_forward(NULL, x, lg));
  else if (!strcmp(c, "null-handle-save"))
    rc = report_status(c, NULL, tiny_save(NULL, path));
  else if (!strcmp(c, "null-handle-load"))
    rc = report_status(c, NULL, tiny_load(NULL, path));
  else if (!strcmp(c, "null-handle-set-threads"))
    rc = report_status(c, NULL, tiny_set_threads(NULL, 2));
  else if (!strcmp(c, "null-handle-param"))
    rc = report_pointer(c, tiny_param(NULL, "w", NULL));
  else if (!strcmp(c, "null-handle-reset-destroy")) {
    /* Nothing to report but that they return. */
    tiny_reset(NULL, 1);
    tiny_destroy(NULL);
    printf("%s: threads %d\n", c, tiny_threads(NULL));
    rc = tiny_threads(NULL) == 0 ? 0 : 1;
  }

  /* Null tensors and arrays. */
  else if (!strcmp(c, "null-input-train-step"))
    rc = report_loss(c, s, tiny_train_step(s, NULL, y));
  else if (!strcmp(c, "null-label-train-step"))
    rc = report_loss(c, s, tiny_train_step(s, x, NULL));
  else if (!strcmp(c, "null-array-train-step-v"))
    rc = report_loss(c, s, tiny_train_step_v(s, NULL));
  else if (!strcmp(c, "null-element-train-step-v"))
    rc = report_loss(c, s, tiny_train_step_v(s, x_only));
  else if (!strcmp(c, "null-input-forward"))
    rc = report_status(c, s, tiny_forward(s, NULL, lg));
  else if (!strcmp(c, "null-output-forward"))
    rc = report_status(c, s, tiny_forward(s, x, NULL));
  else if (!strcmp(c, "null-arrays-forward-v"))
    rc = report_status(c, s, tiny_forward_v(s, NULL, NULL));
  else if (!strcmp(c, "null-output-forward-v"))
    rc = report_status(c, s, tiny_forward_v(s, forward_in, no_output));
  else if (!strcmp(c, "forward-v"))
    rc = report_status(c, s, tiny_forward_v(s, forward_in, forward_out));

  /* Paths and checkpoints. */
  else if (!strcmp(c, "null-path-save"))
    rc = report_status(c, s, tiny_save(s, NULL));
  else if (!strcmp(c, "empty-path-save"))
    rc = report_status(c, s, tiny_save(s, ""));
  else if (!strcmp(c, "null-path-load"))
    rc = report_status(c, s, tiny_load(s, NULL));
  else if (!strcmp(c, "empty-path-load"))
    rc = report_status(c, s, tiny_load(s, ""));
  else if (!strcmp(c, "load")) {
    /* A failed load must leave the handle as it was: compare a parameter
       before and after. */
    float before[TINY_PARAM_W_SIZE];
    float *w = (float *)tiny_param(s, "w", NULL);
    memcpy(before, w, sizeof before);
    rc = report_status(c, s, tiny_load(s, path));
    if (rc != 0 && memcmp(before, w, sizeof before) != 0) {
      printf("%s: the failed load changed parameter w\n", c);
      rc = 3;
    }
  }

  /* Counts and names. */
  else if (!strcmp(c, "zero-threads"))
    rc = report_status(c, s, tiny_set_threads(s, 0));
  else if (!strcmp(c, "too-many-threads"))
    rc = report_status(c, s, tiny_set_threads(s, 100000));
  else if (!strcmp(c, "unknown-param"))
    rc = report_pointer(c, tiny_param(s, "nope", NULL));
  else if (!strcmp(c, "null-param-name"))
    rc = report_pointer(c, tiny_param(s, NULL, NULL));
  else if (!strcmp(c, "param-info-out-of-range"))
    rc = report_pointer(c, tiny_param_info(TINY_NUM_PARAMS));
  else if (!strcmp(c, "input-info-negative"))
    rc = report_pointer(c, tiny_input_info(-1));
  else
    fprintf(stderr, "capi_misuse: unknown case '%s'\n", c);

  tiny_destroy(s);
  return rc;
}
