# The fuzz build (TILE_BUILD_FUZZERS=ON; scripts/fuzz.sh, docs/fuzzing.md).
#
# Everything this build compiles -- tile's libraries as well as the fuzz
# targets -- carries libFuzzer's coverage instrumentation, AddressSanitizer
# and UndefinedBehaviorSanitizer (a report stops the run), and keeps its
# assertions: an assert or a cast<> to the wrong type in tile's code is a
# crash for the fuzzer, not silent undefined behaviour as in Release. MLIR
# and LLVM are Debian's prebuilt shared libraries, uninstrumented; their
# headers' inline code is instrumented where tile's code instantiates it.
#
# -O1 keeps the instrumented translation units quick to compile (the
# lowering's are large) and the stacks readable.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "TILE_BUILD_FUZZERS needs clang (libFuzzer is -fsanitize=fuzzer): "
    "configure with -DCMAKE_CXX_COMPILER=clang++-22 "
    "-DCMAKE_C_COMPILER=clang-22 (scripts/install-deps.sh --fuzz installs it)")
endif()
if(TILE_STATIC_LLVM)
  message(FATAL_ERROR "TILE_BUILD_FUZZERS links the shared MLIR; "
    "configure it without TILE_STATIC_LLVM")
endif()

set(TILE_FUZZ_SANITIZERS address,undefined)
add_compile_options(
  -fsanitize=fuzzer-no-link,${TILE_FUZZ_SANITIZERS}
  -fno-sanitize-recover=all
  -fno-omit-frame-pointer
  -gline-tables-only
  -O1
  # After CMAKE_CXX_FLAGS_RELEASE's -DNDEBUG, so it wins.
  -UNDEBUG)
add_link_options(-fsanitize=${TILE_FUZZ_SANITIZERS})
