/* clang-format off */
/*===- runtime/aot/CommonTypes.h - the public types of every model header -===*/
/*
 * The element types, status codes and tensor description that every
 * generated model header declares (under one guard, so headers of several
 * models can be included together) and that the AOT runtime uses. This file
 * is their one source: AotAbi.h includes it, and the build embeds the text
 * below this comment in the voskhod binary (cmake/EmbedText.cmake), which
 * writes it unchanged into each header (compiler/codegen/llvm/AotHeader.cpp),
 * so what users read is what the runtime was compiled against. Everything
 * below this comment is printed: its comments are the user's documentation.
 *
 * It expects <stdint.h> to be included first, as the generated headers and
 * AotAbi.h do. Deliberately not here: anything of one model (AotHeader.cpp
 * writes that).
 *
 *===----------------------------------------------------------------------===*/
/* Shared by the headers of all voskhod models. */
#ifndef VOSKHOD_AOT_COMMON_TYPES
#define VOSKHOD_AOT_COMMON_TYPES
/* Element types. */
typedef enum voskhod_dtype {
  VOSKHOD_F32 = 0,
  VOSKHOD_F64 = 1,
  VOSKHOD_I32 = 2,
  VOSKHOD_I1 = 3
} voskhod_dtype;

/* What the functions that can fail return; `NAME_last_error` says more. */
typedef enum voskhod_status {
  VOSKHOD_OK = 0,
  VOSKHOD_ERR_ARGUMENT = 1,    /* a null handle, array, tensor pointer or
                                  path, an empty path, a bad count */
  VOSKHOD_ERR_NOT_FOUND = 2,   /* the checkpoint file does not exist */
  VOSKHOD_ERR_IO = 3,          /* the file cannot be read or written */
  VOSKHOD_ERR_TRUNCATED = 4,   /* the file ends before its contents do */
  VOSKHOD_ERR_CORRUPT = 5,     /* malformed, or its checksum is wrong */
  VOSKHOD_ERR_MISMATCH = 6,    /* from another model: a tensor is missing
                                  or has another dtype or shape */
  VOSKHOD_ERR_NO_MEMORY = 7,
  VOSKHOD_ERR_UNSUPPORTED = 8, /* the model has no such entry */
  VOSKHOD_ERR_NO_DEVICE = 9,   /* GPU objects: no CUDA driver, no GPU, or
                                  a GPU the object has no code for */
  VOSKHOD_ERR_DEVICE = 10      /* GPU objects: a CUDA call failed */
} voskhod_status;

/* A tensor's name (as in the .vg file and in checkpoints), shape and
   element type; `size` is the number of elements. */
typedef struct voskhod_tensor_info {
  const char *name;
  const int64_t *shape;
  int64_t size;
  int32_t rank;
  voskhod_dtype dtype;
} voskhod_tensor_info;
#endif
