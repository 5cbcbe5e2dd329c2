// The libFuzzer entry points every target in tests/fuzz defines. The fuzzer build
// (scripts/fuzz.sh, -DTIERHUB_FUZZ=ON, clang) links them with libFuzzer's main; the normal
// build links them with corpus_main.cc, which feeds every file of the target's seed corpus
// (tests/fuzz/corpus/<target>/) to LLVMFuzzerTestOneInput once, as an ordinary CTest.
#ifndef TIERHUB_TESTS_FUZZ_FUZZ_TARGET_H_
#define TIERHUB_TESTS_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// A broken invariant found by a target: print it and abort, so that libFuzzer keeps the input
// and the corpus test fails.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#endif  // TIERHUB_TESTS_FUZZ_FUZZ_TARGET_H_
