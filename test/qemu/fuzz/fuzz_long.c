/* The fuzzer's long mode: ten times the calls of the default run. */
#define FUZZ_CALLS 1000000
#include "fuzz_test.c"
