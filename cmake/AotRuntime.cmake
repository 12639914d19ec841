# The AOT runtime (runtime/aot/*.c) as LLVM bitcode embedded in the LLVM
# backend, which links it into every object `voskhod compile` writes, and the
# text of its public types (runtime/aot/CommonTypes.h), which the backend
# writes into every model header.
#
# The bitcode must be readable by the LLVM the backend links (16): a clang of
# that version or older. Without one the backend still builds, with an empty
# runtime, and `voskhod compile --emit=obj` explains what is missing.
if(NOT TARGET voskhod_codegen_llvm)
  return()
endif()

set(_aot_dir ${PROJECT_SOURCE_DIR}/runtime/aot)
set(_aot_out ${PROJECT_BINARY_DIR}/runtime/aot)

if(NOT VOSKHOD_AOT_CLANG)
  find_program(VOSKHOD_AOT_CLANG NAMES clang clang-${LLVM_VERSION_MAJOR}
               PATHS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
endif()
if(NOT VOSKHOD_AOT_CLANG)
  find_program(VOSKHOD_AOT_CLANG NAMES clang-${LLVM_VERSION_MAJOR} clang-15
               clang-14 clang)
endif()
set(_aot_clang_ok FALSE)
if(VOSKHOD_AOT_CLANG)
  execute_process(COMMAND ${VOSKHOD_AOT_CLANG} --version
                  OUTPUT_VARIABLE _aot_clang_version ERROR_QUIET)
  if(_aot_clang_version MATCHES "clang version ([0-9]+)")
    if(CMAKE_MATCH_1 LESS_EQUAL LLVM_VERSION_MAJOR)
      set(_aot_clang_ok TRUE)
    else()
      message(WARNING "AOT: ${VOSKHOD_AOT_CLANG} is clang ${CMAKE_MATCH_1}, "
              "whose bitcode LLVM ${LLVM_VERSION_MAJOR} cannot read; set "
              "VOSKHOD_AOT_CLANG to clang ${LLVM_VERSION_MAJOR} or older")
    endif()
  endif()
endif()

set(_aot_bitcode)
if(_aot_clang_ok)
  message(STATUS "AOT runtime compiled with ${VOSKHOD_AOT_CLANG}")
  # runtime/aot/cuda holds the host side of GPU objects; its modules are
  # embedded as `cuda/<name>` (compiler/codegen/llvm/AotRuntime.h).
  file(GLOB _aot_sources CONFIGURE_DEPENDS ${_aot_dir}/*.c ${_aot_dir}/cuda/*.c)
  file(GLOB _aot_headers CONFIGURE_DEPENDS ${_aot_dir}/*.h ${_aot_dir}/cuda/*.h
       ${_aot_dir}/cuda/*.def)
  # The C sources include one file outside runtime/aot: the initialiser
  # list (initialisers/InitKinds.def, a plain X-macro list), through the
  # initialisers' include root, which holds nothing else.
  list(APPEND _aot_headers ${PROJECT_SOURCE_DIR}/initialisers/InitKinds.def)
  set(_aot_includes
      "-I$<JOIN:$<TARGET_PROPERTY:voskhod_initialisers,INTERFACE_INCLUDE_DIRECTORIES>,$<SEMICOLON>-I>")
  file(MAKE_DIRECTORY ${_aot_out}/cuda)
  foreach(src ${_aot_sources})
    get_filename_component(name ${src} NAME_WE)
    file(RELATIVE_PATH rel ${_aot_dir} ${src})
    get_filename_component(subdir ${rel} DIRECTORY)
    if(subdir)
      set(bc ${_aot_out}/${subdir}/${name}.bc)
    else()
      set(bc ${_aot_out}/${name}.bc)
    endif()
    # No fortify wrappers or stack protector: the object may need nothing
    # beyond plain libc. No FMA contraction: the initialisers must round as
    # the C++ runtime does.
    add_custom_command(
      OUTPUT ${bc}
      COMMAND ${VOSKHOD_AOT_CLANG} -std=c11 -O2 -fPIC -ffp-contract=off
              -fno-stack-protector -U_FORTIFY_SOURCE -Wall -Wextra -Werror
              "${_aot_includes}" -emit-llvm -c ${src} -o ${bc}
      DEPENDS ${src} ${_aot_headers}
      COMMENT "Compiling the AOT runtime's ${rel} to bitcode"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    list(APPEND _aot_bitcode ${bc})
  endforeach()
else()
  message(WARNING "AOT: no clang found; `voskhod compile` will not write "
          "object files (install clang, or set VOSKHOD_AOT_CLANG)")
endif()

set(_aot_cpp ${_aot_out}/AotRuntimeBitcode.cpp)
add_custom_command(
  OUTPUT ${_aot_cpp}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${_aot_cpp} "-DINPUTS=${_aot_bitcode}"
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedBitcode.cmake
  DEPENDS ${_aot_bitcode} ${PROJECT_SOURCE_DIR}/cmake/EmbedBitcode.cmake
  COMMENT "Embedding the AOT runtime's bitcode"
  VERBATIM)
# The public types every model header declares, as text (EmbedText.cmake);
# needs no clang.
set(_aot_types_cpp ${_aot_out}/AotCommonTypes.cpp)
add_custom_command(
  OUTPUT ${_aot_types_cpp}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${_aot_dir}/CommonTypes.h
          -DOUTPUT=${_aot_types_cpp}
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedText.cmake
  DEPENDS ${_aot_dir}/CommonTypes.h ${PROJECT_SOURCE_DIR}/cmake/EmbedText.cmake
  COMMENT "Embedding the public types of the AOT runtime"
  VERBATIM)
add_library(voskhod_aot_runtime_bitcode STATIC ${_aot_cpp} ${_aot_types_cpp})
# The generated files include compiler/codegen/llvm/AotRuntime.h: they see the
# backend's include root, and only that.
target_include_directories(voskhod_aot_runtime_bitcode PRIVATE
  $<TARGET_PROPERTY:voskhod_codegen_llvm,INTERFACE_INCLUDE_DIRECTORIES>)
target_link_libraries(voskhod_codegen_llvm PRIVATE voskhod_aot_runtime_bitcode)
