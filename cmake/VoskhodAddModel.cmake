# voskhod_add_model(TARGET <name> SOURCE <model.vg>
#                   [NAME <c-prefix>] [CPU native|x86-64-v3|x86-64-v4|generic]
#                   [GPU_ARCH sm_XX] [INFERENCE]
#                   [OPTIONS <extra voskhod compile arguments>...])
#
# Compiles a model ahead of time, at build time, with `voskhod compile`, and
# defines a static library target <name> holding the object. The generated
# header, <c-prefix>.h (the prefix defaults to <name>), is on the target's
# public include path; linking the target brings in what the object needs,
# libm and pthreads, and nothing else. The object is rebuilt when the model
# or the compiler changes. With GPU_ARCH the object is for an NVIDIA GPU of
# that architecture (`--target=cuda`, same API; it opens the CUDA driver at
# run time, so libdl joins the link dependencies).
#
# Like Halide's add_halide_library and TensorFlow's tf_library; the model's
# C API is described in the generated header itself.
include_guard(GLOBAL)

function(voskhod_add_model)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "INFERENCE" "TARGET;SOURCE;NAME;CPU;GPU_ARCH"
                        "OPTIONS")
  if(NOT ARG_TARGET OR NOT ARG_SOURCE)
    message(FATAL_ERROR "voskhod_add_model: TARGET and SOURCE are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
            "voskhod_add_model: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET Voskhod::compiler)
    message(FATAL_ERROR "voskhod_add_model: Voskhod::compiler is not defined; "
            "call find_package(Voskhod) first")
  endif()
  set(name ${ARG_TARGET})
  if(ARG_NAME)
    set(name ${ARG_NAME})
  endif()
  set(cpu native)
  if(ARG_CPU)
    set(cpu ${ARG_CPU})
  endif()
  get_filename_component(source ${ARG_SOURCE} ABSOLUTE)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/voskhod_models/${ARG_TARGET})
  set(object ${dir}/${name}${CMAKE_C_OUTPUT_EXTENSION})
  if(NOT CMAKE_C_OUTPUT_EXTENSION)
    set(object ${dir}/${name}.o)
  endif()
  set(header ${dir}/${name}.h)
  set(target --target=cpu --cpu=${cpu})
  if(ARG_GPU_ARCH)
    set(target --target=cuda --gpu-arch=${ARG_GPU_ARCH})
  endif()
  set(extra)
  if(ARG_INFERENCE)
    list(APPEND extra --inference)
  endif()
  file(MAKE_DIRECTORY ${dir})
  add_custom_command(
    OUTPUT ${object} ${header}
    COMMAND Voskhod::compiler compile ${source} ${target}
            --name=${name} -o ${object} --header ${header} ${extra}
            ${ARG_OPTIONS}
    DEPENDS ${source} Voskhod::compiler
    COMMENT "Compiling the voskhod model ${ARG_SOURCE}"
    VERBATIM)
  set_source_files_properties(${object} PROPERTIES EXTERNAL_OBJECT TRUE
                                                   GENERATED TRUE)
  add_library(${ARG_TARGET} STATIC ${object} ${header})
  set_target_properties(${ARG_TARGET} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${ARG_TARGET} PUBLIC ${dir})
  find_package(Threads REQUIRED)
  target_link_libraries(${ARG_TARGET} INTERFACE Threads::Threads m)
  if(ARG_GPU_ARCH)
    target_link_libraries(${ARG_TARGET} INTERFACE ${CMAKE_DL_LIBS})
  endif()
endfunction()
