/* A C program built against an object of examples/char_transformer.vg from
 * `voskhod compile --name gpt`, for the CPU or the GPU
 * (tests/lit/aot/cuda-transformer-object.test): one source links with
 * either. It trains five steps on one fixed batch of token windows (each
 * character followed by the next of a cycle, which the loss must learn to
 * fall on), runs the forward pass and checks the logits are finite.
 *
 * Exit status: 0 when the object trained, 77 when it reported no usable
 * device (0 instead with --no-device-ok), 1 otherwise. */
#include "gpt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int32_t x[GPT_INPUT_X_SIZE];
static int32_t y[GPT_INPUT_Y_SIZE];
static float logits[GPT_OUTPUT_LOGITS_SIZE];

int main(int argc, char **argv) {
  int noDeviceOk = argc > 1 && strcmp(argv[1], "--no-device-ok") == 0;
  gpt_state *s = gpt_create(42);
  if (!s) {
    int status = gpt_last_status(NULL);
    printf("create failed: status %d%s: %s\n", status,
           status == VOSKHOD_ERR_NO_DEVICE ? " (VOSKHOD_ERR_NO_DEVICE)" : "",
           gpt_last_error(NULL));
    if (status != VOSKHOD_ERR_NO_DEVICE)
      return 1;
    return noDeviceOk ? 0 : 77;
  }
  /* Window b starts at character b of a cycle of 7; targets are the next. */
  const int context = GPT_INPUT_X_DIM1;
  for (int i = 0; i < GPT_INPUT_X_SIZE; ++i) {
    int b = i / context, t = i % context;
    x[i] = (b + t) % 7;
    y[i] = (b + t + 1) % 7;
  }
  double first = gpt_train_step(s, x, y), last = first;
  for (int step = 1; step < 5; ++step)
    last = gpt_train_step(s, x, y);
  printf("loss %.4f -> %.4f\n", first, last);
  if (!(last < first) || isnan(last)) {
    fprintf(stderr, "the loss did not fall: %s\n", gpt_last_error(s));
    return 1;
  }
  if (gpt_forward(s, x, logits) != VOSKHOD_OK) {
    fprintf(stderr, "forward: %s\n", gpt_last_error(s));
    return 1;
  }
  for (int i = 0; i < GPT_OUTPUT_LOGITS_SIZE; ++i)
    if (!isfinite(logits[i])) {
      fprintf(stderr, "logit %d is not finite\n", i);
      return 1;
    }
  printf("trained; logits finite\n");
  gpt_destroy(s);
  return 0;
}
