/* libFuzzer target: a technique catalog, merged as `breakout --catalog FILE` merges it. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_catalog(data, size, "catalog.json");
    return 0;
}
