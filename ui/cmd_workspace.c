/* Workspace commands: list, import, export, rm. Data on stdout, messages on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "fileio.h"
#include "scenario_json.h"
#include "utf8.h"
#include "xalloc.h"

int cmd_list(CliOptions *o)
{
    if (o->n_args) return cli_usage_error("list takes no arguments");
    Store *st = cli_open_store(o);
    if (!st) return EXIT_BAD;
    StoreEntry *e = NULL;
    size_t n = 0;
    char *err = NULL;
    if (!store_list(st, &e, &n, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        store_close(st);
        return EXIT_BAD;
    }
    /* names last, so that long or wide names never break the columns */
    printf("%7s  %5s  %9s  %s\n", "TENANTS", "HOSTS", "WORKLOADS", "NAME");
    for (size_t i = 0; i < n; i++) {
        char *name = utf8_sanitize(e[i].name);
        printf("%7zu  %5zu  %9zu  %s\n", e[i].tenants, e[i].hosts, e[i].workloads, name);
        free(name);
    }
    if (n == 0)
        fprintf(stderr,
                "breakout: the workspace %s has no scenarios; add one with "
                "'breakout import FILE'\n",
                store_path(st));
    store_entries_free(e, n);
    store_close(st);
    return EXIT_DONE;
}

int cmd_import(CliOptions *o)
{
    if (!o->n_args) return cli_usage_error("import needs at least one FILE");
    Scenario **list = xcalloc(o->n_args, sizeof *list);
    int status = EXIT_DONE;
    for (size_t i = 0; i < o->n_args && status == EXIT_DONE; i++) {
        char *err = NULL;
        list[i] = scenario_load_file(o->args[i], &err);
        if (!list[i]) {
            fprintf(stderr, "%s\n", err);
            free(err);
            status = EXIT_BAD;
        }
    }
    for (size_t i = 0; i < o->n_args && status == EXIT_DONE; i++)
        for (size_t k = 0; k < i && status == EXIT_DONE; k++)
            if (strcmp(list[i]->name, list[k]->name) == 0) {
                char *name = utf8_sanitize(list[i]->name);
                cli_error("%s and %s both hold a scenario named \"%s\"", o->args[k], o->args[i],
                          name);
                free(name);
                status = EXIT_BAD;
            }
    Store *st = status == EXIT_DONE ? cli_open_store(o) : NULL;
    if (status == EXIT_DONE && !st) status = EXIT_BAD;
    if (st) {
        StoreSaveResult *res = xcalloc(o->n_args, sizeof *res);
        char *err = NULL;
        if (!store_save_many(st, list, o->n_args, o->replace, res, &err)) {
            fprintf(stderr, "%s\n", err);
            free(err);
            status = EXIT_BAD;
        } else {
            for (size_t i = 0; i < o->n_args; i++) {
                char *name = utf8_sanitize(list[i]->name);
                fprintf(stderr, "%s \"%s\" from %s\n",
                        res[i] == STORE_ADDED      ? "imported"
                        : res[i] == STORE_REPLACED ? "replaced"
                                                   : "unchanged",
                        name, o->args[i]);
                free(name);
            }
        }
        free(res);
        store_close(st);
    }
    for (size_t i = 0; i < o->n_args; i++)
        scenario_free(list[i]);
    free(list);
    return status;
}

int cmd_export(CliOptions *o)
{
    if (o->n_args != 1) return cli_usage_error("export needs one NAME");
    Store *st = cli_open_store(o);
    if (!st) return EXIT_BAD;
    char *err = NULL;
    Scenario *s = store_load(st, o->args[0], &err);
    store_close(st);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return EXIT_BAD;
    }
    char *json = scenario_to_json(s);
    scenario_free(s);
    bool ok = file_write_atomic(o->output ? o->output : "-", json, strlen(json), &err);
    free(json);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return EXIT_BAD;
    }
    return EXIT_DONE;
}

int cmd_rm(CliOptions *o)
{
    if (o->n_args != 1) return cli_usage_error("rm needs one NAME");
    Store *st = cli_open_store(o);
    if (!st) return EXIT_BAD;
    char *err = NULL;
    bool ok = store_remove(st, o->args[0], &err);
    store_close(st);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return EXIT_BAD;
    }
    return EXIT_DONE;
}
