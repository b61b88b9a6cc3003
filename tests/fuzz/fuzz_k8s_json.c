/* libFuzzer target: Kubernetes objects as JSON (`kubectl get pods -A -o json`), imported as
 * `breakout import` does, once with the default options and once with the trust and
 * runtime-class options a user gives. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char runtime[] = "isolated=hyperv";
    static ImportOptions opt;
    static int ready;
    if (!ready) {
        char *err = NULL;
        fuzz_require(import_options_add_trusted(&opt, "team-a", &err), "option", err);
        fuzz_require(import_options_add_untrusted(&opt, "kube-system", &err), "option", err);
        fuzz_require(import_options_add_runtime_class(&opt, runtime, &err), "option", err);
        opt.no_ssh = true;
        ready = 1;
    }
    fuzz_import(data, size, "pods.json", NULL);
    fuzz_import(data, size, "pods.json", &opt);
    return 0;
}
