/*===- runtime/aot/Json.c - the JSON a safetensors header needs -----------===*/
/*
 * A strict JSON reader (RFC 8259, no extensions) into a tree allocated in
 * one arena, and a writer that prints a tree compactly with sorted keys —
 * the canonical form trainer/Checkpoint.cpp checksums (nlohmann's dump()).
 * Objects are sorted and deduplicated as they are read, keeping the last
 * duplicate as nlohmann does. Nesting is capped so hostile input cannot
 * exhaust the stack.
 *
 * Deliberately not here: floating-point numbers beyond keeping their text
 * (safetensors headers hold only counts), and any editing of a tree.
 *
 *===----------------------------------------------------------------------===*/
#include "AotInternal.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 64 };

typedef struct arena_block {
  struct arena_block *next;
  size_t used, size;
  max_align_t data[];
} arena_block;

struct vkaot_json_doc {
  arena_block *blocks;
  vkaot_json root;
};

static void *arena_alloc(vkaot_json_doc *doc, size_t n) {
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  arena_block *b = doc->blocks;
  if (!b || b->size - b->used < n) {
    size_t size = n > 65536 ? n : 65536;
    b = malloc(sizeof *b + size);
    if (!b)
      return NULL;
    b->next = doc->blocks, b->used = 0, b->size = size;
    doc->blocks = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

void vkaot_json_free(vkaot_json_doc *doc) {
  if (!doc)
    return;
  for (arena_block *b = doc->blocks, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(doc);
}

typedef struct parser {
  vkaot_json_doc *doc;
  const char *p, *end;
  int depth;
} parser;

static void skip_space(parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ++ps->p;
}

static int literal(parser *ps, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
    return 0;
  ps->p += n;
  return 1;
}

static int hex4(parser *ps, uint32_t *out) {
  if (ps->end - ps->p < 4)
    return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = *ps->p++;
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return 0;
  }
  *out = v;
  return 1;
}

static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* A string after its opening quote; the decoded bytes go to the arena. */
static int parse_string(parser *ps, const char **out, size_t *out_len) {
  /* Decoded text is never longer than the source. */
  const char *close = ps->p;
  while (close < ps->end && *close != '"') {
    if (*close == '\\')
      ++close;
    ++close;
  }
  if (close >= ps->end)
    return 0;
  char *buf = arena_alloc(ps->doc, (size_t)(close - ps->p) + 1);
  if (!buf)
    return 0;
  size_t n = 0;
  while (ps->p < ps->end && *ps->p != '"') {
    unsigned char c = (unsigned char)*ps->p++;
    if (c < 0x20)
      return 0;
    if (c != '\\') {
      buf[n++] = (char)c;
      continue;
    }
    if (ps->p >= ps->end)
      return 0;
    char e = *ps->p++;
    uint32_t cp;
    switch (e) {
    case '"':
    case '\\':
    case '/':
      buf[n++] = e;
      break;
    case 'b':
      buf[n++] = '\b';
      break;
    case 'f':
      buf[n++] = '\f';
      break;
    case 'n':
      buf[n++] = '\n';
      break;
    case 'r':
      buf[n++] = '\r';
      break;
    case 't':
      buf[n++] = '\t';
      break;
    case 'u':
      if (!hex4(ps, &cp))
        return 0;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low;
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u')
          return 0;
        ps->p += 2;
        if (!hex4(ps, &low) || low < 0xDC00 || low > 0xDFFF)
          return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return 0;
      }
      n += put_utf8(buf + n, cp);
      break;
    default:
      return 0;
    }
  }
  if (ps->p >= ps->end)
    return 0;
  ++ps->p; /* the closing quote */
  buf[n] = 0;
  *out = buf;
  *out_len = n;
  return 1;
}

static int parse_number(parser *ps, vkaot_json *v) {
  const char *start = ps->p;
  if (ps->p < ps->end && *ps->p == '-')
    ++ps->p;
  if (ps->p >= ps->end)
    return 0;
  if (*ps->p == '0') {
    ++ps->p;
  } else if (*ps->p >= '1' && *ps->p <= '9') {
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ++ps->p;
  } else {
    return 0;
  }
  int integer = 1;
  if (ps->p < ps->end && *ps->p == '.') {
    integer = 0;
    ++ps->p;
    const char *digits = ps->p;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ++ps->p;
    if (ps->p == digits)
      return 0;
  }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
    integer = 0;
    ++ps->p;
    if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
      ++ps->p;
    const char *digits = ps->p;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ++ps->p;
    if (ps->p == digits)
      return 0;
  }
  v->kind = VKAOT_JSON_NUMBER;
  v->text = start;
  v->text_len = (size_t)(ps->p - start);
  if (integer && *start != '-') {
    uint64_t c = 0;
    int fits = 1;
    for (const char *d = start; d < ps->p; ++d) {
      uint64_t digit = (uint64_t)(*d - '0');
      if (c > (UINT64_MAX - digit) / 10)
        fits = 0;
      c = c * 10 + digit;
    }
    v->is_count = fits;
    v->count = fits ? c : 0;
  }
  return 1;
}

static int key_less(const char *a, size_t na, const char *b, size_t nb) {
  size_t n = na < nb ? na : nb;
  int c = memcmp(a, b, n);
  return c < 0 || (c == 0 && na < nb);
}

static int parse_value(parser *ps, vkaot_json *v);

typedef struct member {
  const char *key;
  size_t key_len;
  size_t order;
  vkaot_json value;
} member;

static int member_cmp(const void *pa, const void *pb) {
  const member *a = pa, *b = pb;
  if (key_less(a->key, a->key_len, b->key, b->key_len))
    return -1;
  if (key_less(b->key, b->key_len, a->key, a->key_len))
    return 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

static int parse_container(parser *ps, vkaot_json *v, int object) {
  char close = object ? '}' : ']';
  member *members = NULL;
  size_t count = 0, capacity = 0;
  int ok = 0;
  skip_space(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ++ps->p;
    ok = 1;
  }
  while (!ok) {
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 8;
      member *grown = realloc(members, capacity * sizeof *members);
      if (!grown)
        break;
      members = grown;
    }
    member *m = &members[count];
    memset(m, 0, sizeof *m);
    m->order = count;
    skip_space(ps);
    if (object) {
      if (ps->p >= ps->end || *ps->p != '"')
        break;
      ++ps->p;
      if (!parse_string(ps, &m->key, &m->key_len))
        break;
      skip_space(ps);
      if (ps->p >= ps->end || *ps->p != ':')
        break;
      ++ps->p;
    }
    if (!parse_value(ps, &m->value))
      break;
    ++count;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ++ps->p;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ++ps->p;
      ok = 1;
    }
    break;
  }
  if (ok && object && count > 1) {
    qsort(members, count, sizeof *members, member_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < count; ++i) {
      int last_of_key =
          i + 1 == count || members[i].key_len != members[i + 1].key_len ||
          memcmp(members[i].key, members[i + 1].key, members[i].key_len) != 0;
      if (last_of_key)
        members[kept++] = members[i];
    }
    count = kept;
  }
  if (ok) {
    v->kind = object ? VKAOT_JSON_OBJECT : VKAOT_JSON_ARRAY;
    v->count_items = count;
    if (count) {
      v->items = arena_alloc(ps->doc, count * sizeof *v->items);
      if (object) {
        v->keys = arena_alloc(ps->doc, count * sizeof *v->keys);
        v->key_lens = arena_alloc(ps->doc, count * sizeof *v->key_lens);
      }
      if (!v->items || (object && (!v->keys || !v->key_lens)))
        ok = 0;
      for (size_t i = 0; ok && i < count; ++i) {
        v->items[i] = members[i].value;
        if (object) {
          v->keys[i] = members[i].key;
          v->key_lens[i] = members[i].key_len;
        }
      }
    }
  }
  free(members);
  return ok;
}

static int parse_value(parser *ps, vkaot_json *v) {
  memset(v, 0, sizeof *v);
  skip_space(ps);
  if (ps->p >= ps->end)
    return 0;
  char c = *ps->p;
  if (c == '{' || c == '[') {
    if (++ps->depth > MAX_DEPTH)
      return 0;
    ++ps->p;
    int ok = parse_container(ps, v, c == '{');
    --ps->depth;
    return ok;
  }
  if (c == '"') {
    ++ps->p;
    v->kind = VKAOT_JSON_STRING;
    return parse_string(ps, &v->string, &v->string_len);
  }
  if (c == 't' || c == 'f') {
    v->kind = VKAOT_JSON_BOOL;
    v->boolean = c == 't';
    return literal(ps, c == 't' ? "true" : "false");
  }
  if (c == 'n') {
    v->kind = VKAOT_JSON_NULL;
    return literal(ps, "null");
  }
  return parse_number(ps, v);
}

vkaot_json_doc *vkaot_json_parse(const char *text, size_t len,
                                 const vkaot_json **root) {
  vkaot_json_doc *doc = calloc(1, sizeof *doc);
  if (!doc)
    return NULL;
  parser ps = {doc, text, text + len, 0};
  int ok = parse_value(&ps, &doc->root);
  skip_space(&ps);
  if (!ok || ps.p != ps.end) {
    vkaot_json_free(doc);
    return NULL;
  }
  *root = &doc->root;
  return doc;
}

const vkaot_json *vkaot_json_get(const vkaot_json *object, const char *key) {
  if (!object || object->kind != VKAOT_JSON_OBJECT)
    return NULL;
  size_t n = strlen(key);
  for (size_t i = 0; i < object->count_items; ++i)
    if (object->key_lens[i] == n && memcmp(object->keys[i], key, n) == 0)
      return &object->items[i];
  return NULL;
}

int vkaot_json_dump_string(const char *s, size_t len, vkaot_buffer *out) {
  static const char hex[] = "0123456789abcdef";
  if (!vkaot_buffer_append(out, "\"", 1))
    return 0;
  for (size_t i = 0; i < len; ++i) {
    unsigned char c = (unsigned char)s[i];
    char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
    case '"':
      esc[1] = '"';
      break;
    case '\\':
      esc[1] = '\\';
      break;
    case '\b':
      esc[1] = 'b';
      break;
    case '\f':
      esc[1] = 'f';
      break;
    case '\n':
      esc[1] = 'n';
      break;
    case '\r':
      esc[1] = 'r';
      break;
    case '\t':
      esc[1] = 't';
      break;
    default:
      if (c >= 0x20) {
        esc[0] = (char)c;
        n = 1;
      } else {
        esc[1] = 'u', esc[2] = '0', esc[3] = '0';
        esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
        n = 6;
      }
    }
    if (!vkaot_buffer_append(out, esc, n))
      return 0;
  }
  return vkaot_buffer_append(out, "\"", 1);
}

int vkaot_json_dump(const vkaot_json *v, vkaot_buffer *out,
                    const vkaot_json *skip_parent, const char *skip) {
  char digits[24];
  switch (v->kind) {
  case VKAOT_JSON_NULL:
    return vkaot_buffer_append_str(out, "null");
  case VKAOT_JSON_BOOL:
    return vkaot_buffer_append_str(out, v->boolean ? "true" : "false");
  case VKAOT_JSON_NUMBER: {
    if (!v->is_count)
      return vkaot_buffer_append(out, v->text, v->text_len);
    size_t n = 0;
    uint64_t c = v->count;
    do {
      digits[sizeof digits - 1 - n++] = (char)('0' + c % 10);
      c /= 10;
    } while (c);
    return vkaot_buffer_append(out, digits + sizeof digits - n, n);
  }
  case VKAOT_JSON_STRING:
    return vkaot_json_dump_string(v->string, v->string_len, out);
  case VKAOT_JSON_ARRAY:
  case VKAOT_JSON_OBJECT: {
    int object = v->kind == VKAOT_JSON_OBJECT;
    if (!vkaot_buffer_append(out, object ? "{" : "[", 1))
      return 0;
    int first = 1;
    for (size_t i = 0; i < v->count_items; ++i) {
      if (object && v == skip_parent && skip &&
          v->key_lens[i] == strlen(skip) &&
          memcmp(v->keys[i], skip, v->key_lens[i]) == 0)
        continue;
      if (!first && !vkaot_buffer_append(out, ",", 1))
        return 0;
      first = 0;
      if (object && (!vkaot_json_dump_string(v->keys[i], v->key_lens[i], out) ||
                     !vkaot_buffer_append(out, ":", 1)))
        return 0;
      if (!vkaot_json_dump(&v->items[i], out, skip_parent, skip))
        return 0;
    }
    return vkaot_buffer_append(out, object ? "}" : "]", 1);
  }
  }
  return 0;
}
