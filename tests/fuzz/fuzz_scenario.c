/* libFuzzer target: a breakout scenario file, read as `breakout import FILE.json` reads it. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, "scenario.json", NULL);
    return 0;
}
