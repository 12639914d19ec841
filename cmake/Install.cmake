# What `cmake --install` puts in a prefix besides the voskhod binary: the C++
# library (libvoskhod.a and its headers, api/CMakeLists.txt) and the CMake
# package that lets another project write
#
#   find_package(Voskhod REQUIRED)
#   target_link_libraries(app PRIVATE Voskhod::voskhod)
#   voskhod_add_model(TARGET mlp SOURCE mlp.vg)
#
# (cmake/VoskhodConfig.cmake.in, cmake/VoskhodAddModel.cmake). The AOT
# runtime those objects carry is built first (cmake/AotRuntime.cmake): the
# installed binary embeds it.
include(${CMAKE_CURRENT_LIST_DIR}/AotRuntime.cmake)

# The installed library: one static archive holding the objects of
# voskhod_api and of every library under it, so a user links one file
# (plus LLVM's shared library, zlib and threads; cmake/VoskhodConfig.cmake.in).
# Static rather than shared: the internal libraries are static and built
# without -fPIC, and a program links only what it uses. docs/CPP_API.md says
# more.
# Only with LLVM: the installed package's default target is the CPU JIT.
if(TARGET voskhod_api AND TARGET voskhod_codegen_llvm)
  set(archive_objects)
  foreach(lib voskhod_api voskhod_driver_core voskhod_frontend voskhod_training
              voskhod_passes voskhod_autodiff voskhod_kernel voskhod_codegen_llvm
              voskhod_codegen_tensors voskhod_codegen_cuda
              voskhod_aot_runtime_bitcode voskhod_trainer voskhod_runtime
              voskhod_interpreter voskhod_text voskhod_ir voskhod_initialisers)
    if(TARGET ${lib})
      get_target_property(type ${lib} TYPE)
      if(type STREQUAL "STATIC_LIBRARY")
        list(APPEND archive_objects $<TARGET_OBJECTS:${lib}>)
      endif()
    endif()
  endforeach()
  add_library(voskhod_archive STATIC ${archive_objects})
  set_target_properties(voskhod_archive PROPERTIES OUTPUT_NAME voskhod
                                                   LINKER_LANGUAGE CXX)
endif()

include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(VOSKHOD_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Voskhod)
set(VOSKHOD_HAS_LIBRARY FALSE)
set(VOSKHOD_LLVM_LIBRARY "")
set(VOSKHOD_NVRTC_LIBRARY "")
if(TARGET voskhod_archive)
  set(VOSKHOD_HAS_LIBRARY TRUE)
  set(VOSKHOD_LIBRARY_FILE
      ${CMAKE_STATIC_LIBRARY_PREFIX}voskhod${CMAKE_STATIC_LIBRARY_SUFFIX})
  get_target_property(VOSKHOD_LLVM_LIBRARY LLVM LOCATION)
  # NVRTC, where the CUDA backend was built with it (CUDA::nvrtc is imported
  # in that directory only; its library path is in the cache).
  if(TARGET voskhod_codegen_cuda)
    get_target_property(cuda_libs voskhod_codegen_cuda LINK_LIBRARIES)
    if("CUDA::nvrtc" IN_LIST cuda_libs AND CUDA_nvrtc_LIBRARY)
      set(VOSKHOD_NVRTC_LIBRARY ${CUDA_nvrtc_LIBRARY})
    endif()
  endif()
  install(TARGETS voskhod_archive ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/api/voskhod
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
  # What the public headers include, at the paths they spell.
  foreach(folder support initialisers compiler/ir frontend trainer)
    get_filename_component(parent ${folder} DIRECTORY)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/voskhod/internal/${parent}
            FILES_MATCHING PATTERN "*.h" PATTERN "*.def")
  endforeach()
endif()
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/VoskhodConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/VoskhodConfig.cmake
  INSTALL_DESTINATION ${VOSKHOD_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/VoskhodConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/VoskhodConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/VoskhodConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/VoskhodAddModel.cmake
        DESTINATION ${VOSKHOD_INSTALL_CMAKEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/AOT.md
              ${PROJECT_SOURCE_DIR}/docs/CPP_API.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)
