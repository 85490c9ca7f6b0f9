# Instrumented builds, each in its own build tree so that the normal build is unchanged:
#   -DMYBUILD_FUZZ=ON      (clang only) everything with -fsanitize=fuzzer-no-link,address,undefined, and
#                          the libFuzzer targets of tests/fuzz (`make fuzz`, tree build-fuzz);
#   -DMYBUILD_SANITIZE=ON  everything, tests included, with AddressSanitizer + UndefinedBehaviorSanitizer
#                          (`make test-sanitize`, tree build-sanitize).
# Undefined behaviour aborts instead of printing and going on, so that a test or a fuzz run fails on it.
option(MYBUILD_FUZZ "build the libFuzzer targets of tests/fuzz (needs clang)" OFF)
option(MYBUILD_SANITIZE "build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

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
  # Written only when different, so that a reconfigure does not recompile the parser.
  set(patched_antlr "${CMAKE_BINARY_DIR}/antlr4-runtime-for-clang")
  set(patched_header "misc/InterpreterDataReader.h")
  file(COPY "${ANTLR4_INCLUDE_DIR}/" DESTINATION "${patched_antlr}" PATTERN "InterpreterDataReader.h" EXCLUDE)
  file(READ "${ANTLR4_INCLUDE_DIR}/${patched_header}" header)
  string(REPLACE "InterpreterData() {};" "InterpreterData() = default;" header "${header}")
  file(WRITE "${CMAKE_BINARY_DIR}/InterpreterDataReader.h.new" "${header}")
  configure_file("${CMAKE_BINARY_DIR}/InterpreterDataReader.h.new" "${patched_antlr}/${patched_header}" COPYONLY)
  set(ANTLR4_INCLUDE_DIR "${patched_antlr}")
  add_compile_options(-Wno-defaulted-function-deleted)  # the two defaulted-and-deleted constructors
elseif(MYBUILD_SANITIZE)
  add_compile_options(${mybuild_sanitizers})
  add_link_options(${mybuild_sanitizers})
endif()

# mybuild_without_sanitizers(TARGET): TARGET is built as in the normal build, without the options
# above: for a static program (the sanitizer runtimes cannot be linked statically).
function(mybuild_without_sanitizers target)
  if(NOT (MYBUILD_FUZZ OR MYBUILD_SANITIZE))
    return()
  endif()
  foreach(property COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(options ${target} ${property})
    if(options)
      list(REMOVE_ITEM options -fsanitize=fuzzer-no-link ${mybuild_sanitizers})
      set_target_properties(${target} PROPERTIES ${property} "${options}")
    endif()
  endforeach()
endfunction()
