# Instrumented builds, in their own build tree so that the normal build is unchanged:
#   -DMYBUILD_FUZZ=ON      (clang only) everything with -fsanitize=fuzzer-no-link,address,undefined, and
#                          the libFuzzer targets of tests/fuzz (`make fuzz`, tree build-fuzz).
# Undefined behaviour aborts instead of printing and going on, so that a test or a fuzz run fails on it.
option(MYBUILD_FUZZ "build the libFuzzer targets of tests/fuzz (needs clang)" OFF)

set(mybuild_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
if(MYBUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MYBUILD_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link ${mybuild_sanitizers})
  add_link_options(${mybuild_sanitizers})
  # Debian's ANTLR runtime headers (4.9) do not compile with clang: misc/InterpreterDataReader.h defines
  # a default constructor that needs dfa::Vocabulary's, which is deleted (a const std::vector member;
  # g++ accepts it). The fuzz tree compiles against a copy of the headers in which that constructor is
  # defaulted (deleted, and unused); the normal build uses the system headers unchanged.
  set(patched_antlr "${CMAKE_BINARY_DIR}/antlr4-runtime-for-clang")
  file(COPY "${ANTLR4_INCLUDE_DIR}/" DESTINATION "${patched_antlr}")
  file(READ "${patched_antlr}/misc/InterpreterDataReader.h" header)
  string(REPLACE "InterpreterData() {};" "InterpreterData() = default;" header "${header}")
  file(WRITE "${patched_antlr}/misc/InterpreterDataReader.h" "${header}")
  set(ANTLR4_INCLUDE_DIR "${patched_antlr}")
endif()
