/* A C program built against an object of examples/fashion_cnn.vg from
 * `voskhod compile --name cnn`, for the CPU or the GPU
 * (tests/lit/aot/cuda-cnn-object.test): one source links with either, as
 * the two objects share their header and API. It trains five steps on one
 * fixed batch (the loss must fall), runs the forward pass and checks the
 * logits are finite.
 *
 * Exit status: 0 when the object trained, 77 when it reported no usable
 * device (0 instead with --no-device-ok), 1 otherwise. */
#include "cnn.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static float x[CNN_INPUT_X_SIZE];
static int32_t y[CNN_INPUT_Y_SIZE];
static float logits[CNN_OUTPUT_LOGITS_SIZE];

int main(int argc, char **argv) {
  int noDeviceOk = argc > 1 && strcmp(argv[1], "--no-device-ok") == 0;
  cnn_state *s = cnn_create(42);
  if (!s) {
    int status = cnn_last_status(NULL);
    printf("create failed: status %d%s: %s\n", status,
           status == VOSKHOD_ERR_NO_DEVICE ? " (VOSKHOD_ERR_NO_DEVICE)" : "",
           cnn_last_error(NULL));
    if (status != VOSKHOD_ERR_NO_DEVICE)
      return 1;
    return noDeviceOk ? 0 : 77;
  }
  /* Each image a bright square whose corner depends on its class. */
  const int side = CNN_INPUT_X_DIM3, pixels = CNN_INPUT_X_DIM2 * side;
  for (int i = 0; i < CNN_INPUT_Y_SIZE; ++i) {
    y[i] = i % 10;
    for (int p = 0; p < pixels; ++p) {
      int r = p / side, c = p % side, top = 2 * y[i], left = 27 - 2 * y[i];
      int inside = r >= top && r < top + 8 && c <= left && c > left - 8;
      x[i * pixels + p] = inside ? 1.5f : -0.5f + 0.01f * (float)(p % 7);
    }
  }
  double first = cnn_train_step(s, x, y), last = first;
  for (int step = 1; step < 5; ++step)
    last = cnn_train_step(s, x, y);
  printf("loss %.4f -> %.4f\n", first, last);
  if (!(last < first) || isnan(last)) {
    fprintf(stderr, "the loss did not fall: %s\n", cnn_last_error(s));
    return 1;
  }
  if (cnn_forward(s, x, logits) != VOSKHOD_OK) {
    fprintf(stderr, "forward: %s\n", cnn_last_error(s));
    return 1;
  }
  for (int i = 0; i < CNN_OUTPUT_LOGITS_SIZE; ++i)
    if (!isfinite(logits[i])) {
      fprintf(stderr, "logit %d is not finite\n", i);
      return 1;
    }
  printf("trained; logits finite\n");
  cnn_destroy(s);
  return 0;
}
