/* A C program built against an object from `voskhod compile --target=cuda
 * --name gpu` (tests/lit/aot/cuda-*.test). Without a GPU, gpu_create must
 * fail cleanly and say why; with one, the program trains a few steps,
 * checks a save/load round trip and runs the forward pass.
 *
 * Exit status: 0 when the object behaved, 77 when it reported no usable
 * device (the expected outcome without a GPU), 1 otherwise. */
#include "gpu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static float x[GPU_INPUT_X_SIZE];
static int32_t y[GPU_INPUT_Y_SIZE];

int main(int argc, char **argv) {
  const char *checkpoint = argc > 1 ? argv[1] : "gpu.safetensors";
  gpu_state *s = gpu_create(42);
  if (!s) {
    int status = gpu_last_status(NULL);
    printf("create failed: status %d%s: %s\n", status,
           status == VOSKHOD_ERR_NO_DEVICE ? " (VOSKHOD_ERR_NO_DEVICE)" : "",
           gpu_last_error(NULL));
    gpu_destroy(NULL);
    return status == VOSKHOD_ERR_NO_DEVICE ? 77 : 1;
  }
  /* Three clusters, as examples/aot_c trains. */
  for (int i = 0; i < GPU_INPUT_Y_SIZE; ++i) {
    y[i] = i % 3;
    for (int j = 0; j < GPU_INPUT_X_DIM1; ++j)
      x[i * GPU_INPUT_X_DIM1 + j] =
          (float)(j == y[i] ? 2.0 : 0.0) + 0.1f * (float)((i * 7 + j) % 5);
  }
  double first = gpu_train_step(s, x, y), last = first;
  for (int step = 1; step < 50; ++step)
    last = gpu_train_step(s, x, y);
  printf("loss %.4f -> %.4f\n", first, last);
  if (!(last < first) || isnan(last)) {
    fprintf(stderr, "the loss did not fall: %s\n", gpu_last_error(s));
    return 1;
  }
  if (gpu_save(s, checkpoint) != VOSKHOD_OK) {
    fprintf(stderr, "save: %s\n", gpu_last_error(s));
    return 1;
  }
  double a = gpu_train_step(s, x, y);
  if (gpu_load(s, checkpoint) != VOSKHOD_OK) {
    fprintf(stderr, "load: %s\n", gpu_last_error(s));
    return 1;
  }
  double b = gpu_train_step(s, x, y);
  printf("after load: %s\n", a == b ? "same loss" : "different loss");
  float logits[GPU_OUTPUT_LG_SIZE];
  if (gpu_forward(s, x, logits) != VOSKHOD_OK) {
    fprintf(stderr, "forward: %s\n", gpu_last_error(s));
    return 1;
  }
  const voskhod_tensor_info *info = NULL;
  float *w1 = gpu_param(s, "w1", &info);
  printf("w1: %s, rank %d, finite %d\n", info ? info->name : "?",
         info ? info->rank : -1, w1 && isfinite(w1[0]));
  gpu_destroy(s);
  return a == b ? 0 : 1;
}
