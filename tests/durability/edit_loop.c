/* A helper for tests/durability/test_kill_edit.sh: records edits to a workspace in a loop, by
 * the explorer's code path (edit_apply to the in-memory scenario, then store_record_edit), so
 * that a test can kill -9 it at random moments. Each edit moves one workload's isolation one
 * step along process > hyperv > sandbox > host, as the explorer's `i` key does.
 * Usage: durability_edit_loop DB SCENARIO WORKLOAD COUNT
 * Prints "ready" once the workspace is open, then the number of edits recorded after each one
 * (unbuffered: what the workspace must at least hold when the helper is killed), and "done"
 * after COUNT; exit 1 with the message on a failed edit, 2 on bad usage. */
#include <stdio.h>
#include <stdlib.h>

#include "edit.h"
#include "store.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s DB SCENARIO WORKLOAD COUNT\n", argv[0]);
        return 2;
    }
    const char *scenario = argv[2], *workload = argv[3];
    long count = strtol(argv[4], NULL, 10);
    char *err = NULL;
    Store *st = store_open(argv[1], false, &err);
    Scenario *s = st ? store_load(st, scenario, &err) : NULL;
    if (!s) {
        fprintf(stderr, "%s\n", err);
        free(err);
        store_close(st);
        return 1;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("ready\n");
    int status = 0;
    for (long i = 0; i < count && status == 0; i++) {
        Edit *e = edit_change(s, EDIT_WORKLOAD, workload);
        if (!e) {
            fprintf(stderr, "no workload %s\n", workload);
            status = 1;
            break;
        }
        Workload *w = edit_workload(e->after);
        w->isolation = (Isolation)((w->isolation + 1) % (ISOLATION_HOST + 1));
        edit_set_label(e, "%s: isolation -> %s", workload, isolation_name(w->isolation));
        if (!edit_apply(s, e, &err) || !store_record_edit(st, scenario, e, &err)) {
            fprintf(stderr, "edit %ld: %s\n", i + 1, err);
            free(err);
            status = 1;
        } else {
            printf("%ld\n", i + 1);
        }
        edit_free(e);
    }
    if (status == 0) printf("done\n");
    scenario_free(s);
    store_close(st);
    return status;
}
