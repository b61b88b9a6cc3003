/* libFuzzer target: `docker inspect` output, imported as `breakout import` does, once with
 * the default options and once with --tenant-label, --host and --trusted. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ImportOptions opt = {.tenant_label = "com.example.tenant", .host_name = "build-01"};
    static int ready;
    if (!ready) {
        char *err = NULL;
        fuzz_require(import_options_add_trusted(&opt, "infra", &err), "option", err);
        ready = 1;
    }
    fuzz_import(data, size, "inspect.json", NULL);
    fuzz_import(data, size, "inspect.json", &opt);
    return 0;
}
