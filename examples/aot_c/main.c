/*===- examples/aot_c/main.c - train the seed classifier from plain C -----===*/
/*
 * Trains examples/classifier.vg (3 → 10 → 20 → 3, SGD) through the
 * C API that `voskhod compile` generated into classifier.h: no LLVM, no
 * voskhod library, only libc, libm and pthreads. The data are three noisy
 * clusters in 3-D, one per class; the program prints the mean loss of each
 * epoch as it falls, saves a checkpoint, loads it into a second handle and
 * checks that both predict the same, then reports the accuracy.
 *
 * Build and run (or `make run`):
 *
 *   voskhod compile ../classifier.vg -o classifier.o \
 *       --header classifier.h
 *   cc -std=c99 -Wall -Werror main.c classifier.o -lm -lpthread
 *   ./a.out
 *
 *===----------------------------------------------------------------------===*/
#include "classifier.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define BATCH CLASSIFIER_INPUT_Y_SIZE
#define FEATURES CLASSIFIER_INPUT_X_DIM1
#define CLASSES CLASSIFIER_OUTPUT_LG_DIM1
#define EXAMPLES 240
#define EPOCHS 25

static float features[EXAMPLES][FEATURES];
static int32_t labels[EXAMPLES];

/* A small deterministic generator, so every run prints the same numbers. */
static uint32_t rng_state = 12345u;
static double uniform(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return ((rng_state >> 8) + 0.5) / 16777216.0;
}
static double gaussian(void) {
  return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static void make_data(void) {
  for (int i = 0; i < EXAMPLES; ++i) {
    int c = i % CLASSES;
    labels[i] = c;
    for (int f = 0; f < FEATURES; ++f)
      features[i][f] = (float)((f == c ? 1.5 : 0.0) + 0.8 * gaussian());
  }
}

static int argmax(const float *row) {
  int best = 0;
  for (int k = 1; k < CLASSES; ++k)
    if (row[k] > row[best])
      best = k;
  return best;
}

/* Predictions of a handle for every example, BATCH at a time. */
static void predict(classifier_state *s, int *out) {
  float logits[CLASSIFIER_OUTPUT_LG_SIZE];
  for (int i = 0; i < EXAMPLES; i += BATCH) {
    classifier_forward(s, &features[i][0], logits);
    for (int b = 0; b < BATCH; ++b)
      out[i + b] = argmax(&logits[b * CLASSES]);
  }
}

int main(void) {
  make_data();
  classifier_state *s = classifier_create(42);
  if (!s) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  printf("classifier: %d parameter tensors, %d threads\n",
         classifier_param_count(), classifier_threads(s));

  double first = 0, last = 0;
  for (int epoch = 0; epoch < EPOCHS; ++epoch) {
    double sum = 0;
    for (int i = 0; i < EXAMPLES; i += BATCH)
      sum += classifier_train_step(s, &features[i][0], &labels[i]);
    double mean = sum / (EXAMPLES / BATCH);
    if (epoch == 0)
      first = mean;
    last = mean;
    printf("epoch %2d: loss %.6f\n", epoch + 1, mean);
  }

  const char *path = "classifier.safetensors";
  int status = classifier_save(s, path);
  if (status != VOSKHOD_OK) {
    fprintf(stderr, "save failed (%d): %s\n", status, classifier_last_error(s));
    return 1;
  }
  classifier_state *restored = classifier_create(7);
  status = classifier_load(restored, path);
  if (status != VOSKHOD_OK) {
    fprintf(stderr, "load failed (%d): %s\n", status,
            classifier_last_error(restored));
    return 1;
  }
  static int predicted[EXAMPLES], predicted_again[EXAMPLES];
  predict(s, predicted);
  predict(restored, predicted_again);
  int correct = 0;
  for (int i = 0; i < EXAMPLES; ++i)
    correct += predicted[i] == labels[i];
  int same = memcmp(predicted, predicted_again, sizeof predicted) == 0;

  const voskhod_tensor_info *info = NULL;
  const float *w1 = classifier_param(s, "w1", &info);
  printf("w1 is %s[%lld, %lld], w1[0][0] = %.6f\n",
         info->dtype == VOSKHOD_F32 ? "f32" : "?", (long long)info->shape[0],
         (long long)info->shape[1], w1[0]);
  printf("accuracy %d/%d; the reloaded checkpoint predicts %s\n", correct,
         EXAMPLES, same ? "the same" : "differently");
  printf("loss %s: %.6f -> %.6f\n", last < first ? "fell" : "did not fall",
         first, last);
  classifier_destroy(restored);
  classifier_destroy(s);
  return last < first && same ? 0 : 1;
}
