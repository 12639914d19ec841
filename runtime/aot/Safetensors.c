/*===- runtime/aot/Safetensors.c - checkpoints an AOT handle saves, loads -===*/
/*
 * The same file trainer/Checkpoint.cpp writes and reads: 8 bytes of
 * little-endian header length, a JSON header padded with spaces to a
 * multiple of 8, then the data, widest dtype first and by name within a
 * width; metadata `writer: voskhod`, the model's name and a `crc32` over the
 * canonical header (sorted keys, no checksum entry) and the data. Files from
 * either side load on the other.
 *
 * Saving writes `<path>.tmp`, fsyncs it, renames it over `path` and fsyncs
 * the directory, so a crash at any moment leaves the previous file or the
 * new one. Loading reads the whole file and validates all of it — header
 * length, JSON, dtypes, shapes, offsets that tile the data, checksum — and
 * that every param and state of the model is there with its dtype and
 * shape, before it changes anything; other tensors (a Trainer's data
 * statistics) are allowed and ignored.
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L
#include "AotInternal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; add byte swapping"
#endif

enum { MAX_HEADER_BYTES = 100 << 20 };

int vkaot_buffer_append(vkaot_buffer *b, const void *data, size_t n) {
  if (b->size + n + 1 > b->capacity) {
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (capacity < b->size + n + 1)
      capacity *= 2;
    char *grown = realloc(b->data, capacity);
    if (!grown)
      return 0;
    b->data = grown;
    b->capacity = capacity;
  }
  memcpy(b->data + b->size, data, n);
  b->size += n;
  b->data[b->size] = 0;
  return 1;
}

int vkaot_buffer_append_str(vkaot_buffer *b, const char *s) {
  return vkaot_buffer_append(b, s, strlen(s));
}

void vkaot_buffer_free(vkaot_buffer *b) {
  free(b->data);
  b->data = NULL;
  b->size = b->capacity = 0;
}

uint32_t vkaot_crc32(uint32_t crc, const void *data, size_t n) {
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  const unsigned char *p = data;
  crc = ~crc;
  for (size_t i = 0; i < n; ++i)
    crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static const char *dtype_name(voskhod_dtype t) {
  switch (t) {
  case VOSKHOD_F32:
    return "F32";
  case VOSKHOD_F64:
    return "F64";
  case VOSKHOD_I32:
    return "I32";
  case VOSKHOD_I1:
    return "BOOL";
  }
  return "?";
}

/* Bytes per element of a safetensors dtype, 0 if unknown. */
static int dtype_bytes(const char *name, size_t len) {
  static const struct {
    const char *name;
    int bytes;
  } known[] = {{"F64", 8},  {"I64", 8},     {"U64", 8},    {"F32", 4},
               {"I32", 4},  {"U32", 4},     {"F16", 2},    {"BF16", 2},
               {"I16", 2},  {"U16", 2},     {"I8", 1},     {"U8", 1},
               {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; ++i)
    if (strlen(known[i].name) == len && memcmp(known[i].name, name, len) == 0)
      return known[i].bytes;
  return 0;
}

static int element_bytes(voskhod_dtype t) {
  return t == VOSKHOD_F64 ? 8 : t == VOSKHOD_I1 ? 1 : 4;
}

static int is_stored(const vkaot_tensor *t) {
  return t->role == VKAOT_PARAM || t->role == VKAOT_STATE;
}

static int fail(char *error, size_t size, int code, const char *fmt,
                const char *a, const char *b) {
  snprintf(error, size, fmt, a, b);
  return code;
}

/* --- saving --------------------------------------------------------------- */

typedef struct entry {
  const char *key;
  int tensor; /* -1: the metadata */
} entry;

static int entry_cmp(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  return strcmp(a->key, b->key);
}

/* Stored tensors in data order: widest first, by name within a width (an
   insertion sort: models have few tensors, and qsort has no context). */
static int data_order_less(const vkaot_model *m, int x, int y) {
  const vkaot_tensor *a = &m->tensors[x], *b = &m->tensors[y];
  int wa = element_bytes(a->info.dtype), wb = element_bytes(b->info.dtype);
  if (wa != wb)
    return wa > wb;
  return strcmp(a->info.name, b->info.name) < 0;
}

static void sort_data_order(const vkaot_model *m, int *order, int n) {
  for (int i = 1; i < n; ++i) {
    int v = order[i], j = i;
    for (; j > 0 && data_order_less(m, v, order[j - 1]); --j)
      order[j] = order[j - 1];
    order[j] = v;
  }
}

static int append_count(vkaot_buffer *b, uint64_t v) {
  char text[24];
  snprintf(text, sizeof text, "%llu", (unsigned long long)v);
  return vkaot_buffer_append_str(b, text);
}

/* The header with sorted keys; `crc` null leaves the checksum out. */
static int write_header(const vkaot_model *m, const uint64_t *begin,
                        const char *crc, vkaot_buffer *out) {
  int n = 0;
  entry *entries = malloc(((size_t)m->num_tensors + 1) * sizeof *entries);
  if (!entries)
    return 0;
  for (int i = 0; i < m->num_tensors; ++i)
    if (is_stored(&m->tensors[i]))
      entries[n++] = (entry){m->tensors[i].info.name, i};
  entries[n++] = (entry){"__metadata__", -1};
  qsort(entries, (size_t)n, sizeof *entries, entry_cmp);
  int ok = vkaot_buffer_append(out, "{", 1);
  for (int k = 0; ok && k < n; ++k) {
    ok = (k == 0 || vkaot_buffer_append(out, ",", 1)) &&
         vkaot_json_dump_string(entries[k].key, strlen(entries[k].key), out) &&
         vkaot_buffer_append(out, ":", 1);
    if (!ok)
      break;
    if (entries[k].tensor < 0) {
      ok = vkaot_buffer_append_str(out, "{") &&
           (!crc || (vkaot_buffer_append_str(out, "\"crc32\":\"") &&
                     vkaot_buffer_append_str(out, crc) &&
                     vkaot_buffer_append_str(out, "\","))) &&
           vkaot_buffer_append_str(out, "\"model\":") &&
           vkaot_json_dump_string(m->name, strlen(m->name), out) &&
           vkaot_buffer_append_str(out, ",\"writer\":\"voskhod\"}");
      continue;
    }
    const vkaot_tensor *t = &m->tensors[entries[k].tensor];
    ok = vkaot_buffer_append_str(out, "{\"data_offsets\":[") &&
         append_count(out, begin[entries[k].tensor]) &&
         vkaot_buffer_append_str(out, ",") &&
         append_count(out, begin[entries[k].tensor] + (uint64_t)t->bytes) &&
         vkaot_buffer_append_str(out, "],\"dtype\":\"") &&
         vkaot_buffer_append_str(out, dtype_name(t->info.dtype)) &&
         vkaot_buffer_append_str(out, "\",\"shape\":[");
    for (int d = 0; ok && d < t->info.rank; ++d)
      ok = (d == 0 || vkaot_buffer_append(out, ",", 1)) &&
           append_count(out, (uint64_t)t->info.shape[d]);
    ok = ok && vkaot_buffer_append_str(out, "]}");
  }
  ok = ok && vkaot_buffer_append(out, "}", 1);
  free(entries);
  return ok;
}

static const char *directory_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return ".";
  if (slash == path)
    return "/";
  size_t n = (size_t)(slash - path);
  if (n >= size)
    return NULL;
  memcpy(buf, path, n);
  buf[n] = 0;
  return buf;
}

static int write_atomically(const char *path, const vkaot_buffer *parts,
                            int count, char *error, size_t error_size) {
  size_t len = strlen(path);
  char *tmp = malloc(len + 5);
  if (!tmp)
    return fail(error, error_size, VOSKHOD_ERR_NO_MEMORY,
                "out of memory saving '%s'%s", path, "");
  memcpy(tmp, path, len);
  memcpy(tmp + len, ".tmp", 5);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    int code = fail(error, error_size, VOSKHOD_ERR_IO, "cannot create '%s': %s",
                    tmp, strerror(errno));
    free(tmp);
    return code;
  }
  const char *what = NULL;
  for (int k = 0; k < count && !what; ++k) {
    size_t done = 0;
    while (done < parts[k].size) {
      ssize_t n = write(fd, parts[k].data + done, parts[k].size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        if (n == 0)
          errno = EIO;
        what = "write";
        break;
      }
      done += (size_t)n;
    }
  }
  if (!what && fsync(fd) != 0)
    what = "sync";
  if (close(fd) != 0 && !what)
    what = "close";
  if (!what && rename(tmp, path) != 0)
    what = "rename";
  if (what) {
    char message[64];
    snprintf(message, sizeof message, "cannot %s", what);
    int code =
        fail(error, error_size, VOSKHOD_ERR_IO, "%s '%s': ", message, tmp);
    size_t used = strlen(error);
    if (used < error_size)
      snprintf(error + used, error_size - used, "%s", strerror(errno));
    unlink(tmp);
    free(tmp);
    return code;
  }
  free(tmp);
  /* Makes the rename durable; failing here loses nothing already visible. */
  char dir_buf[4096];
  const char *dir = directory_of(path, dir_buf, sizeof dir_buf);
  if (dir) {
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) {
      fsync(d);
      close(d);
    }
  }
  return VOSKHOD_OK;
}

int vkaot_save_checkpoint(const vkaot_model *m, void *const *storage,
                          const char *path, char *error, size_t error_size) {
  int n = 0;
  int *order = malloc(((size_t)m->num_tensors + 1) * sizeof *order);
  uint64_t *begin = calloc((size_t)m->num_tensors + 1, sizeof *begin);
  vkaot_buffer canonical = {0}, header = {0}, data = {0};
  int code = VOSKHOD_ERR_NO_MEMORY;
  if (!order || !begin)
    goto done;
  for (int i = 0; i < m->num_tensors; ++i)
    if (is_stored(&m->tensors[i]))
      order[n++] = i;
  sort_data_order(m, order, n);
  for (int k = 0; k < n; ++k) {
    begin[order[k]] = data.size;
    if (!vkaot_buffer_append(&data, storage[order[k]],
                             (size_t)m->tensors[order[k]].bytes))
      goto done;
  }
  if (!write_header(m, begin, NULL, &canonical))
    goto done;
  uint32_t crc = vkaot_crc32(0, canonical.data, canonical.size);
  crc = vkaot_crc32(crc, data.data, data.size);
  char crc_text[16];
  snprintf(crc_text, sizeof crc_text, "%08x", crc);
  if (!vkaot_buffer_append(&header, "\0\0\0\0\0\0\0\0", 8) ||
      !write_header(m, begin, crc_text, &header))
    goto done;
  while ((header.size - 8) % 8)
    if (!vkaot_buffer_append(&header, " ", 1))
      goto done;
  uint64_t length = header.size - 8;
  for (int i = 0; i < 8; ++i)
    header.data[i] = (char)((length >> (8 * i)) & 0xFF);
  vkaot_buffer parts[2] = {header, data};
  code = write_atomically(path, parts, 2, error, error_size);
done:
  if (code == VOSKHOD_ERR_NO_MEMORY)
    fail(error, error_size, code, "out of memory saving '%s'%s", path, "");
  free(order);
  free(begin);
  vkaot_buffer_free(&canonical);
  vkaot_buffer_free(&header);
  vkaot_buffer_free(&data);
  return code;
}

/* --- loading -------------------------------------------------------------- */

typedef struct extent {
  uint64_t begin, end;
  const char *name;
} extent;

static int extent_cmp(const void *pa, const void *pb) {
  const extent *a = pa, *b = pb;
  if (a->begin != b->begin)
    return a->begin < b->begin ? -1 : 1;
  return a->end < b->end ? -1 : a->end > b->end;
}

static int read_file(const char *path, char **bytes, size_t *size, char *error,
                     size_t error_size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(error, error_size,
                errno == ENOENT ? VOSKHOD_ERR_NOT_FOUND : VOSKHOD_ERR_IO,
                "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return fail(error, error_size, VOSKHOD_ERR_IO, "cannot read '%s': %s", path,
                "not a regular file");
  }
  size_t n = (size_t)st.st_size;
  char *buf = malloc(n ? n : 1);
  if (!buf) {
    close(fd);
    return fail(error, error_size, VOSKHOD_ERR_NO_MEMORY,
                "out of memory reading '%s'%s", path, "");
  }
  size_t done = 0;
  while (done < n) {
    ssize_t got = read(fd, buf + done, n - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    done += (size_t)got;
  }
  close(fd);
  *bytes = buf;
  *size = done; /* a file that shrank while read is simply shorter */
  return VOSKHOD_OK;
}

/* Checks the header's tensors against the data region. */
static int check_tensors(const vkaot_json *root, uint64_t data_size,
                         const char *path, char *error, size_t error_size) {
  extent *extents = malloc((root->count_items + 1) * sizeof *extents);
  if (!extents)
    return fail(error, error_size, VOSKHOD_ERR_NO_MEMORY,
                "out of memory reading '%s'%s", path, "");
  size_t count = 0;
  int code = VOSKHOD_OK;
  for (size_t i = 0; i < root->count_items && code == VOSKHOD_OK; ++i) {
    const char *name = root->keys[i];
    const vkaot_json *e = &root->items[i];
    if (strcmp(name, "__metadata__") == 0) {
      if (e->kind != VKAOT_JSON_OBJECT) {
        code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                    "checkpoint '%s' is corrupt: __metadata__ is not an "
                    "object%s",
                    path, "");
        break;
      }
      for (size_t k = 0; k < e->count_items; ++k)
        if (e->items[k].kind != VKAOT_JSON_STRING)
          code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                      "checkpoint '%s' is corrupt: metadata '%s' is not a "
                      "string",
                      path, e->keys[k]);
      continue;
    }
    const vkaot_json *dtype = vkaot_json_get(e, "dtype");
    const vkaot_json *shape = vkaot_json_get(e, "shape");
    const vkaot_json *offsets = vkaot_json_get(e, "data_offsets");
    int width = dtype && dtype->kind == VKAOT_JSON_STRING
                    ? dtype_bytes(dtype->string, dtype->string_len)
                    : 0;
    int shape_ok = shape && shape->kind == VKAOT_JSON_ARRAY;
    uint64_t elements = 1;
    for (size_t d = 0; shape_ok && d < shape->count_items; ++d) {
      const vkaot_json *dim = &shape->items[d];
      if (!dim->is_count || dim->count > ((uint64_t)1 << 48)) {
        shape_ok = 0;
        break;
      }
      /* Capped past the data size so the product cannot overflow. */
      elements = dim->count == 0 || elements == 0 ? 0
                 : elements > (data_size + 1) / dim->count
                     ? data_size + 1
                     : elements * dim->count;
    }
    if (!width || !shape_ok || !offsets || offsets->kind != VKAOT_JSON_ARRAY ||
        offsets->count_items != 2 || !offsets->items[0].is_count ||
        !offsets->items[1].is_count ||
        offsets->items[0].count > offsets->items[1].count) {
      code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                  "checkpoint '%s' is corrupt: tensor '%s' has a missing or "
                  "invalid dtype, shape or data_offsets",
                  path, name);
      break;
    }
    uint64_t begin = offsets->items[0].count, end = offsets->items[1].count;
    if (end > data_size) {
      code = fail(error, error_size, VOSKHOD_ERR_TRUNCATED,
                  "checkpoint '%s' is truncated: tensor '%s' lies past the "
                  "end of the file",
                  path, name);
      break;
    }
    if (elements > data_size || end - begin != elements * (uint64_t)width) {
      code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                  "checkpoint '%s' is corrupt: tensor '%s' has a shape that "
                  "does not match its bytes",
                  path, name);
      break;
    }
    extents[count++] = (extent){begin, end, name};
  }
  if (code == VOSKHOD_OK) {
    qsort(extents, count, sizeof *extents, extent_cmp);
    uint64_t covered = 0;
    for (size_t k = 0; k < count && code == VOSKHOD_OK; ++k) {
      if (extents[k].begin != covered)
        code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                    "checkpoint '%s' is corrupt: tensor '%s' does not start "
                    "where the previous one ends",
                    path, extents[k].name);
      covered = extents[k].end;
    }
    if (code == VOSKHOD_OK && covered != data_size)
      code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                  "checkpoint '%s' is corrupt: its tensors do not cover its "
                  "data%s",
                  path, "");
  }
  free(extents);
  return code;
}

static int check_checksum(const vkaot_json *root, const char *data,
                          size_t data_size, const char *path, char *error,
                          size_t error_size) {
  const vkaot_json *meta = vkaot_json_get(root, "__metadata__");
  const vkaot_json *crc = vkaot_json_get(meta, "crc32");
  if (!crc) {
    const vkaot_json *writer = vkaot_json_get(meta, "writer");
    if (writer && writer->string_len == 7 &&
        memcmp(writer->string, "voskhod", 7) == 0)
      return fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                  "checkpoint '%s' is corrupt: its checksum is missing%s", path,
                  "");
    return VOSKHOD_OK;
  }
  vkaot_buffer canonical = {0};
  int ok = vkaot_buffer_append(&canonical, "{", 1);
  int first = 1;
  for (size_t i = 0; ok && i < root->count_items; ++i) {
    const vkaot_json *v = &root->items[i];
    if (v == meta && meta->count_items == 1)
      continue; /* only the checksum: the canonical form has no metadata */
    ok = (first || vkaot_buffer_append(&canonical, ",", 1)) &&
         vkaot_json_dump_string(root->keys[i], root->key_lens[i], &canonical) &&
         vkaot_buffer_append(&canonical, ":", 1) &&
         vkaot_json_dump(v, &canonical, meta, "crc32");
    first = 0;
  }
  ok = ok && vkaot_buffer_append(&canonical, "}", 1);
  if (!ok) {
    vkaot_buffer_free(&canonical);
    return fail(error, error_size, VOSKHOD_ERR_NO_MEMORY,
                "out of memory reading '%s'%s", path, "");
  }
  uint32_t sum = vkaot_crc32(0, canonical.data, canonical.size);
  sum = vkaot_crc32(sum, data, data_size);
  vkaot_buffer_free(&canonical);
  char text[16];
  snprintf(text, sizeof text, "%08x", sum);
  if (crc->string_len != 8 || memcmp(crc->string, text, 8) != 0)
    return fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                "checkpoint '%s' is corrupt: its checksum does not match its "
                "contents%s",
                path, "");
  return VOSKHOD_OK;
}

static int shape_text(const vkaot_tensor *t, char *out, size_t size) {
  size_t used = 0;
  used += (size_t)snprintf(out, size, "[");
  for (int d = 0; d < t->info.rank && used < size; ++d)
    used += (size_t)snprintf(out + used, size - used, "%s%lld", d ? ", " : "",
                             (long long)t->info.shape[d]);
  if (used < size)
    snprintf(out + used, size - used, "]");
  return 1;
}

/* Every param and state is present with its dtype and shape. */
static int check_model(const vkaot_model *m, const vkaot_json *root,
                       const char *path, char *error, size_t error_size) {
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (!is_stored(t))
      continue;
    const vkaot_json *e = vkaot_json_get(root, t->info.name);
    if (!e)
      return fail(error, error_size, VOSKHOD_ERR_MISMATCH,
                  "checkpoint '%s' has no tensor '%s'", path, t->info.name);
    const vkaot_json *dtype = vkaot_json_get(e, "dtype");
    const char *want = dtype_name(t->info.dtype);
    if (dtype->string_len != strlen(want) ||
        memcmp(dtype->string, want, dtype->string_len) != 0) {
      int code =
          fail(error, error_size, VOSKHOD_ERR_MISMATCH,
               "checkpoint '%s': tensor '%s' has dtype ", path, t->info.name);
      size_t used = strlen(error);
      if (used < error_size)
        snprintf(error + used, error_size - used, "%.*s, expected %s",
                 (int)dtype->string_len, dtype->string, want);
      return code;
    }
    const vkaot_json *shape = vkaot_json_get(e, "shape");
    int same = shape->count_items == (size_t)t->info.rank;
    for (int d = 0; same && d < t->info.rank; ++d)
      same = shape->items[d].count == (uint64_t)t->info.shape[d];
    if (!same) {
      char expected[128];
      shape_text(t, expected, sizeof expected);
      int code = fail(error, error_size, VOSKHOD_ERR_MISMATCH,
                      "checkpoint '%s': tensor '%s' has another shape", path,
                      t->info.name);
      size_t used = strlen(error);
      if (used < error_size)
        snprintf(error + used, error_size - used, ", expected %s", expected);
      return code;
    }
  }
  return VOSKHOD_OK;
}

int vkaot_load_checkpoint(const vkaot_model *m, void *const *storage,
                          const char *path, char *error, size_t error_size) {
  char *bytes = NULL;
  size_t size = 0;
  int code = read_file(path, &bytes, &size, error, error_size);
  if (code != VOSKHOD_OK)
    return code;
  vkaot_json_doc *doc = NULL;
  const vkaot_json *root = NULL;
  uint64_t header_bytes = 0;
  for (int i = 7; size >= 8 && i >= 0; --i)
    header_bytes = (header_bytes << 8) | (unsigned char)bytes[i];
  if (size < 8 || header_bytes > size - 8) {
    code = fail(error, error_size, VOSKHOD_ERR_TRUNCATED,
                "checkpoint '%s' is truncated: %s", path,
                size < 8 ? "it has no header length"
                         : "its header runs past the end of the file");
    goto done;
  }
  if (header_bytes > MAX_HEADER_BYTES || header_bytes == 0 || bytes[8] != '{') {
    code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                "checkpoint '%s' is corrupt: %s", path,
                "the header is not a JSON object");
    goto done;
  }
  for (uint64_t i = 0; i < header_bytes; ++i) {
    unsigned char c = (unsigned char)bytes[8 + i];
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                  "checkpoint '%s' is corrupt: %s", path,
                  "the header holds a control character");
      goto done;
    }
  }
  doc = vkaot_json_parse(bytes + 8, (size_t)header_bytes, &root);
  if (!doc || root->kind != VKAOT_JSON_OBJECT) {
    code = fail(error, error_size, VOSKHOD_ERR_CORRUPT,
                "checkpoint '%s' is corrupt: %s", path,
                "the header is not valid JSON");
    goto done;
  }
  const char *data = bytes + 8 + header_bytes;
  size_t data_size = size - 8 - (size_t)header_bytes;
  if ((code = check_tensors(root, data_size, path, error, error_size)) ||
      (code = check_checksum(root, data, data_size, path, error, error_size)) ||
      (code = check_model(m, root, path, error, error_size)))
    goto done;
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (!is_stored(t))
      continue;
    const vkaot_json *offsets =
        vkaot_json_get(vkaot_json_get(root, t->info.name), "data_offsets");
    memcpy(storage[i], data + offsets->items[0].count, (size_t)t->bytes);
  }
done:
  vkaot_json_free(doc);
  free(bytes);
  return code;
}
