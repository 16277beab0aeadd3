#ifndef SALESOPS_FUZZ_DRIVER_H
#define SALESOPS_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver on `test_one_input` with the process's arguments. SwiftPM gives an
/// executable its own `main`, so libFuzzer's `main` is not the entry point; this calls its driver.
int salesops_run_fuzzer(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
