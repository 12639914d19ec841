# Shows that the build, not only scripts/check-layering.py, refuses an
# include the folder table forbids: compiles a one-line file with a
# library's include directories (its include root and those of what it
# links), first including one of the library's own headers, which must
# compile, then adding a header of a library it may not see, which must fail
# because the header is not found. Only the preprocessor and the front end
# run (-fsyntax-only), so each probe takes about a second. It does not try
# every forbidden pair; scripts/check-layering.py checks what the sources
# include.
#
#   cmake -DCXX=<compiler> -DLIBRARY=<target> -DINCLUDES=<dir>|<dir>...
#         -DOWN=<header> -DFORBIDDEN=<header> -DWORK=<dir>
#         -P ForbiddenInclude.cmake
string(REPLACE "|" ";" includes "${INCLUDES}")
list(TRANSFORM includes PREPEND "-I")
file(MAKE_DIRECTORY ${WORK})

file(WRITE ${WORK}/own.cpp "#include \"${OWN}\"\n")
execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only ${includes} own.cpp
                WORKING_DIRECTORY ${WORK}
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${LIBRARY}'s own header ${OWN} does not compile with "
          "its include directories (${includes}):\n${err}${out}")
endif()

file(WRITE ${WORK}/forbidden.cpp
     "#include \"${OWN}\"\n#include \"${FORBIDDEN}\"\n")
execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only ${includes}
                        forbidden.cpp
                WORKING_DIRECTORY ${WORK}
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${LIBRARY} can include ${FORBIDDEN}: its include "
          "directories (${includes}) reach a library it may not see")
endif()
string(FIND "${err}${out}" "${FORBIDDEN}" named)
if(named EQUAL -1 OR NOT "${err}${out}" MATCHES "No such file|not found")
  message(FATAL_ERROR "including ${FORBIDDEN} in ${LIBRARY} failed, but not "
          "because the header was not found:\n${err}${out}")
endif()
message(STATUS "${LIBRARY} cannot include ${FORBIDDEN}, as the table says")
