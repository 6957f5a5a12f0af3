# Warning, sanitizer and fuzzing flags shared by every hetong target, and the helpers that
# declare a module (one static library per folder of src/) and its unit tests.
include(GoogleTest)

add_library(hetong_build_flags INTERFACE)
target_compile_options(hetong_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wno-missing-field-initializers)
if(HETONG_WERROR)
  target_compile_options(hetong_build_flags INTERFACE -Werror)
endif()
if(HETONG_SANITIZE)
  target_compile_options(hetong_build_flags INTERFACE -fsanitize=address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(hetong_build_flags INTERFACE -fsanitize=address,undefined)
endif()
if(HETONG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HETONG_FUZZ needs clang (libFuzzer)")
  endif()
  target_compile_options(hetong_build_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Unity builds: each library and test binary compiles its sources as one or a few unity sources
# (CMake UNITY_BUILD), so that the headers it includes (nlohmann::json, spdlog, Boost.Beast,
# qpdf, gtest) are parsed, and the inline and template code they share is instantiated and
# optimised, once per batch instead of once per file: on a clean build this is most of the
# compile time. A source whose file-local names clash with another's in the same target is
# kept out with the source property SKIP_UNITY_BUILD_INCLUSION (see the CMakeLists.txt
# files). -DHETONG_UNITY_BUILD=OFF compiles file by file (quicker incremental rebuilds).
option(HETONG_UNITY_BUILD "Compile libraries and tests as unity sources" ON)
set(HETONG_UNITY_BATCH_SIZE 16 CACHE STRING "Sources per unity source (0: one per target)")

# hetong_unity(<target>...): compile the targets as unity sources (when HETONG_UNITY_BUILD).
function(hetong_unity)
  if(HETONG_UNITY_BUILD)
    set_target_properties(${ARGN} PROPERTIES UNITY_BUILD ON
      UNITY_BUILD_BATCH_SIZE ${HETONG_UNITY_BATCH_SIZE})
  endif()
endfunction()

# hetong_module(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...] [TESTS ...] [TEST_DEPS ...])
# creates the static library hetong_<name> (alias hetong::<name>) and, when TESTS are
# given, the test binary <name>_test whose cases are registered with CTest.
function(hetong_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS;TESTS;TEST_DEPS" ${ARGN})
  add_library(hetong_${name} STATIC ${M_SOURCES})
  add_library(hetong::${name} ALIAS hetong_${name})
  target_include_directories(hetong_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(hetong_${name} PUBLIC ${M_DEPS} hetong_build_flags
    PRIVATE ${M_PRIVATE_DEPS})
  hetong_unity(hetong_${name})
  if(M_TESTS)
    hetong_test(${name}_test SOURCES ${M_TESTS} DEPS hetong::${name} ${M_TEST_DEPS})
  endif()
endfunction()

# Glue code (command-line parsing, JSON request handling, outbound notifications) is compiled at
# -O1 in release builds: it spends its time in the libraries it calls, and -O2 on its
# template-heavy sources (CLI11, nlohmann::json, Boost.Beast) was a large part of a clean build.
function(hetong_glue target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
endfunction()

# Test binaries are compiled without optimisation (the code under test keeps the preset's
# flags) and share one precompiled header of GoogleTest, nlohmann::json and the standard
# library, made once by hetong_test_pch: test sources are about half of what a clean build
# compiles, and most of their time went to -O2 on gtest's macros and to parsing the same headers
# again in every file (two thirds of the test sources include nlohmann/json.hpp).
add_executable(hetong_test_pch ${PROJECT_SOURCE_DIR}/cmake/test_pch_main.cc)
target_link_libraries(hetong_test_pch PRIVATE GTest::gtest_main GTest::gmock
  nlohmann_json::nlohmann_json hetong_build_flags)
target_compile_options(hetong_test_pch PRIVATE -O0)
target_precompile_headers(hetong_test_pch PRIVATE <gtest/gtest.h> <gmock/gmock.h> <string>
  <string_view> <vector> <map> <memory> <optional> <functional> <filesystem> <chrono> <cstdint>
  <nlohmann/json.hpp>)

function(hetong_test_build_options binary)
  target_compile_options(${binary} PRIVATE -O0)
  target_precompile_headers(${binary} REUSE_FROM hetong_test_pch)
  hetong_unity(${binary})
endfunction()

# hetong_test(<binary> SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary registered with
# CTest, one CTest test per test case. Test data and the hetong binary are found through
# compile-time paths in hetong_testing (overridable with HETONG_TESTDATA / HETONG_BIN).
function(hetong_test binary)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${binary} ${T_SOURCES})
  target_link_libraries(${binary} PRIVATE ${T_DEPS} hetong_testing GTest::gtest_main GTest::gmock
    hetong_build_flags)
  hetong_test_build_options(${binary})
  if(T_LABELS)
    gtest_discover_tests(${binary} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${T_LABELS}")
  else()
    gtest_discover_tests(${binary} DISCOVERY_MODE PRE_TEST)
  endif()
endfunction()

# hetong_test_suites(<binary> SOURCES ... DEPS ... SUITES <Suite>... [LABELS ...]): a GoogleTest
# binary registered with CTest as one test per suite (for suites that share an expensive
# fixture in SetUpTestSuite, such as a whole hetong instance).
function(hetong_test_suites binary)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;SUITES;LABELS" ${ARGN})
  add_executable(${binary} ${T_SOURCES})
  target_link_libraries(${binary} PRIVATE ${T_DEPS} hetong_testing GTest::gtest_main GTest::gmock
    hetong_build_flags)
  hetong_test_build_options(${binary})
  foreach(suite ${T_SUITES})
    add_test(NAME ${binary}.${suite} COMMAND ${binary} --gtest_filter=${suite}.*)
    if(T_LABELS)
      set_tests_properties(${binary}.${suite} PROPERTIES LABELS "${T_LABELS}")
    endif()
  endforeach()
endfunction()
