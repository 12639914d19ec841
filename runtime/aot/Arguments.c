/*===- runtime/aot/Arguments.c - what a caller hands the C API ------------===*/
/*
 * The checks every handle runs on a caller's arguments before it touches
 * them, shared by the CPU handle (State.c) and the GPU one (cuda/): an
 * entry reads or writes every element of every tensor, so a null array or
 * a null pointer in it is refused with a message naming the tensor, and a
 * checkpoint path must name a file; and the lookup of a run-time
 * hyperparameter by name, with the message that lists the model's.
 *
 *===----------------------------------------------------------------------===*/
#include "AotInternal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int vkaot_check_pointers(const vkaot_model *model, char *error,
                         size_t error_size, const char *entry, const char *what,
                         const void *const *list, const int32_t *tensors,
                         int32_t count) {
  if (count > 0 && !list) {
    snprintf(error, error_size, "%s: the array of %ss is null", entry, what);
    return VOSKHOD_ERR_ARGUMENT;
  }
  for (int32_t k = 0; k < count; ++k)
    if (!list[k]) {
      snprintf(error, error_size, "%s: %s '%s' is null", entry, what,
               model->tensors[tensors[k]].info.name);
      return VOSKHOD_ERR_ARGUMENT;
    }
  return VOSKHOD_OK;
}

int vkaot_check_path(char *error, size_t error_size, const char *entry,
                     const char *path) {
  if (path && *path)
    return VOSKHOD_OK;
  snprintf(error, error_size, "%s: the path is %s", entry,
           path ? "empty" : "null");
  return VOSKHOD_ERR_ARGUMENT;
}

static const char *hparam_of(const vkaot_tensor *t) {
  size_t n = sizeof VKAOT_HPARAM_PREFIX - 1;
  if (t->role != VKAOT_STATE || t->info.size != 1 ||
      (t->info.dtype != VOSKHOD_F32 && t->info.dtype != VOSKHOD_F64) ||
      strncmp(t->info.name, VKAOT_HPARAM_PREFIX, n) != 0 ||
      t->info.name[n] == 0)
    return NULL;
  return t->info.name + n;
}

int vkaot_find_hparam(const vkaot_model *model, const char *name, char *error,
                      size_t error_size, const char *entry, int *code) {
  if (!name) {
    snprintf(error, error_size, "%s: the name is null", entry);
    *code = VOSKHOD_ERR_ARGUMENT;
    return -1;
  }
  for (int i = 0; i < model->num_tensors; ++i) {
    const char *h = hparam_of(&model->tensors[i]);
    if (h && strcmp(h, name) == 0) {
      *code = VOSKHOD_OK;
      return i;
    }
  }
  int used = snprintf(error, error_size,
                      "%s: no hyperparameter '%s' in model '%s' (its "
                      "hyperparameters:",
                      entry, name, model->name);
  int listed = 0;
  for (int i = 0; i < model->num_tensors; ++i) {
    const char *h = hparam_of(&model->tensors[i]);
    if (h && used >= 0 && (size_t)used < error_size)
      used += snprintf(error + used, error_size - (size_t)used, "%s %s",
                       listed++ ? "," : "", h);
  }
  if (used >= 0 && (size_t)used < error_size)
    snprintf(error + used, error_size - (size_t)used, "%s)",
             listed ? "" : " none");
  *code = VOSKHOD_ERR_NOT_FOUND;
  return -1;
}

int vkaot_write_hparam(const vkaot_tensor *t, void *storage, double value,
                       char *error, size_t error_size, const char *entry) {
  if (!isfinite(value) || value < 0) {
    snprintf(error, error_size,
             "%s: hyperparameter '%s' must be a finite non-negative number, "
             "got %g",
             entry, hparam_of(t), value);
    return VOSKHOD_ERR_ARGUMENT;
  }
  if (t->info.dtype == VOSKHOD_F32)
    *(float *)storage = (float)value;
  else
    *(double *)storage = value;
  return VOSKHOD_OK;
}

int vkaot_micro_step_index(const vkaot_model *model) {
  for (int i = 0; i < model->num_tensors; ++i) {
    const vkaot_tensor *t = &model->tensors[i];
    if (t->role == VKAOT_STATE && t->info.dtype == VOSKHOD_F32 &&
        t->info.size == 1 && strcmp(t->info.name, VKAOT_MICRO_STEP) == 0)
      return i;
  }
  return -1;
}

double vkaot_read_hparam(const vkaot_tensor *t, const void *storage) {
  return t->info.dtype == VOSKHOD_F32 ? (double)*(const float *)storage
                                      : *(const double *)storage;
}
