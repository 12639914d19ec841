/*===- runtime/aot/Arguments.c - what a caller hands the C API ------------===*/
/*
 * The checks every handle runs on a caller's arguments before it touches
 * them, shared by the CPU handle (State.c) and the GPU one (cuda/): an
 * entry reads or writes every element of every tensor, so a null array or
 * a null pointer in it is refused with a message naming the tensor, and a
 * checkpoint path must name a file.
 *
 *===----------------------------------------------------------------------===*/
#include "AotInternal.h"

#include <stdio.h>

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
