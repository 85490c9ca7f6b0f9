# mybuild_module(NAME DIR DEPS...): one static library per module, made of every *.cc in DIR (tests live
# in tests/, never beside the sources). An empty module is an INTERFACE library, so that the module
# boundary and its dependencies exist before its first source file does.
function(mybuild_module name dir)
  file(GLOB sources CONFIGURE_DEPENDS "${dir}/*.cc")
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}")
    target_link_libraries(${name} PUBLIC ${ARGN})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE "${PROJECT_SOURCE_DIR}")
    target_link_libraries(${name} INTERFACE ${ARGN})
  endif()
endfunction()
