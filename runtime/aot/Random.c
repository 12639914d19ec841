/*===- runtime/aot/Random.c - Philox-4x32-10 and the initialisers, in C ---===*/
/*
 * The same counter-based numbers and initialiser formulas as
 * runtime/Random.cpp, and the same rounding to the tensor's type as
 * runtime/Executable.cpp, written again in C because an AOT object may not
 * depend on the C++ runtime. Every expression keeps the C++ one's order of
 * operations and the build compiles it with -ffp-contract=off, so the values
 * agree to the bit (tests/unit/aot checks it against the C++ runtime).
 *
 *===----------------------------------------------------------------------===*/
#include "AotInternal.h"

#include <math.h>

typedef struct block {
  uint32_t v[4];
} block;

static uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t *hi) {
  uint64_t p = (uint64_t)a * b;
  *hi = (uint32_t)(p >> 32);
  return (uint32_t)p;
}

static block philox(uint64_t counter_lo, uint64_t counter_hi, uint64_t key) {
  uint32_t c0 = (uint32_t)counter_lo, c1 = (uint32_t)(counter_lo >> 32);
  uint32_t c2 = (uint32_t)counter_hi, c3 = (uint32_t)(counter_hi >> 32);
  uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, hi1;
    uint32_t lo0 = mulhilo(0xD2511F53u, c0, &hi0);
    uint32_t lo1 = mulhilo(0xCD9E8D57u, c2, &hi1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0, c1 = n1, c2 = n2, c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  block b = {{c0, c1, c2, c3}};
  return b;
}

static double to_unit(uint32_t hi, uint32_t lo) {
  uint64_t bits = ((uint64_t)hi << 21) ^ ((uint64_t)lo >> 11); /* 53 bits */
  bits &= ((uint64_t)1 << 53) - 1;
  return ((double)bits + 0.5) * 0x1.0p-53;
}

static double uniform01(uint64_t seed, uint64_t stream, uint64_t index) {
  block b = philox(index, stream, seed);
  return to_unit(b.v[0], b.v[1]);
}

static double standard_normal(uint64_t seed, uint64_t stream, uint64_t index) {
  block b = philox(index, stream, seed);
  double u1 = to_unit(b.v[0], b.v[1]);
  double u2 = to_unit(b.v[2], b.v[3]);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static uint64_t stream_of(const char *name) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *c = (const unsigned char *)name; *c; ++c) {
    h ^= *c;
    h *= 1099511628211ull;
  }
  return h;
}

/* The initialiser kinds, in the order of the one list the C++ side also
 * expands, so the `init` numbers of AotAbi.h mean the same on both sides. */
enum {
#define INIT(Enum, Name, NumArgs) INIT_##Enum,
#include "initialisers/InitKinds.def"
  INIT_COUNT
};
/* Tripwire: a kind added to the list needs its formula below (an unknown
 * kind would fill zeros). */
_Static_assert(INIT_COUNT == 10, "a new initialiser kind in "
                                 "initialisers/InitKinds.def needs its "
                                 "formula in vkaot_fill_init");

static void store(void *out, int64_t i, voskhod_dtype type, double v) {
  switch (type) {
  case VOSKHOD_F32:
    ((float *)out)[i] = (float)v;
    break;
  case VOSKHOD_F64:
    ((double *)out)[i] = v;
    break;
  case VOSKHOD_I32:
    ((int32_t *)out)[i] = (int32_t)v;
    break;
  case VOSKHOD_I1:
    ((uint8_t *)out)[i] = v != 0;
    break;
  }
}

void vkaot_fill_init(const vkaot_tensor *t, void *out, uint64_t seed) {
  const voskhod_tensor_info *info = &t->info;
  int64_t n = info->size;
  int64_t fan_in = 1, fan_out = 1;
  if (info->rank == 1) {
    fan_in = fan_out = info->shape[0];
  } else if (info->rank == 4) { /* a convolution's [O, C, KH, KW] */
    int64_t field = info->shape[2] * info->shape[3];
    fan_in = info->shape[1] * field;
    fan_out = info->shape[0] * field;
  } else if (info->rank >= 2) {
    for (int i = 0; i + 1 < info->rank; ++i)
      fan_in *= info->shape[i];
    fan_out = info->shape[info->rank - 1];
  }
  double in = (double)fan_in, sum = (double)(fan_in + fan_out);
  uint64_t stream = stream_of(info->name);
  int normal = 0;
  double p = 0, q = 0; /* uniform bounds, or mean and std */
  switch (t->init) {
  case INIT_Zeros:
  case INIT_Ones:
  case INIT_Constant: {
    double v = t->init == INIT_Zeros ? 0.0 : t->init == INIT_Ones ? 1.0 : t->a;
    for (int64_t i = 0; i < n; ++i)
      store(out, i, info->dtype, v);
    return;
  }
  case INIT_Normal:
    normal = 1, p = t->a, q = t->b;
    break;
  case INIT_Uniform:
    p = t->a, q = t->b;
    break;
  case INIT_XavierUniform:
    q = sqrt(6.0 / sum), p = -q;
    break;
  case INIT_XavierNormal:
    normal = 1, q = sqrt(2.0 / sum);
    break;
  case INIT_LecunNormal:
    normal = 1, q = sqrt(1.0 / in);
    break;
  case INIT_HeNormal:
    normal = 1, q = sqrt(2.0 / in);
    break;
  case INIT_HeUniform:
    q = sqrt(6.0 / in), p = -q;
    break;
  default:
    for (int64_t i = 0; i < n; ++i)
      store(out, i, info->dtype, 0.0);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    double v = normal ? p + q * standard_normal(seed, stream, (uint64_t)i)
                      : p + (q - p) * uniform01(seed, stream, (uint64_t)i);
    store(out, i, info->dtype, v);
  }
}
