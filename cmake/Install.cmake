# What `cmake --install` puts in a prefix besides the voskhod binary: the
# CMake package that lets another project write
#
#   find_package(Voskhod REQUIRED)
#   voskhod_add_model(TARGET mlp SOURCE mlp.vg)
#
# (cmake/VoskhodConfig.cmake.in, cmake/VoskhodAddModel.cmake). The AOT
# runtime those objects carry is built first (cmake/AotRuntime.cmake): the
# installed binary embeds it.
include(${CMAKE_CURRENT_LIST_DIR}/AotRuntime.cmake)

include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(VOSKHOD_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Voskhod)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/VoskhodConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/VoskhodConfig.cmake
  INSTALL_DESTINATION ${VOSKHOD_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/VoskhodConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/VoskhodConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/VoskhodConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/VoskhodAddModel.cmake
        DESTINATION ${VOSKHOD_INSTALL_CMAKEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/AOT.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)
