/* libFuzzer target: Kubernetes manifests as YAML (one or many documents), imported as
 * `breakout import` does, once with the default options and once with a user's options. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char runtime[] = "gvisor=sandbox";
    static ImportOptions opt;
    static int ready;
    if (!ready) {
        char *err = NULL;
        fuzz_require(import_options_add_trusted(&opt, "default", &err), "option", err);
        fuzz_require(import_options_add_runtime_class(&opt, runtime, &err), "option", err);
        ready = 1;
    }
    fuzz_import(data, size, "manifests.yaml", NULL);
    fuzz_import(data, size, "manifests.yaml", &opt);
    return 0;
}
