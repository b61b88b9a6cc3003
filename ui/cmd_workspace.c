/* Workspace commands: list, import, export, rm. Data on stdout, messages on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "decisions.h"
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
        cli_report(err);
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
        cli_error("the workspace %s has no scenarios; add one with 'breakout import FILE'",
                  store_path(st));
    store_entries_free(e, n);
    store_close(st);
    return EXIT_DONE;
}

/* Refuses, naming the file, a scenario whose name is taken by different content (unless
 * --replace): store_save_many would refuse it too, but could not say which file it was. */
static bool check_conflicts(Store *st, const CliOptions *o, Scenario **list, const bool *skip)
{
    for (size_t i = 0; i < o->n_args; i++) {
        if (skip[i] || o->replace) continue;
        char *err = NULL;
        Scenario *old = store_load(st, list[i]->name, &err);
        free(err);
        if (!old) continue;
        char *a = scenario_to_json(old), *b = scenario_to_json(list[i]);
        bool differs = strcmp(a, b) != 0;
        free(a);
        free(b);
        scenario_free(old);
        if (differs) {
            char *name = utf8_sanitize(list[i]->name);
            cli_report(xasprintf("%s: a different scenario named \"%s\" is already in the "
                                 "workspace (use --replace to overwrite it)",
                                 o->args[i], name));
            free(name);
            return false;
        }
    }
    return true;
}

int cmd_import(CliOptions *o)
{
    if (!o->n_args) return cli_usage_error("import needs at least one FILE");
    Scenario **list = xcalloc(o->n_args, sizeof *list);
    bool *skip = xcalloc(o->n_args, sizeof *skip);               /* the same scenario given twice */
    DecisionList *decided = xcalloc(o->n_args, sizeof *decided); /* format 3 decisions */
    int status = EXIT_DONE;
    for (size_t i = 0; i < o->n_args && status == EXIT_DONE; i++) {
        list[i] = cli_import_file_decisions(o, o->args[i], &decided[i]);
        if (!list[i]) status = EXIT_BAD;
    }
    for (size_t i = 0; i < o->n_args && status == EXIT_DONE; i++)
        for (size_t k = 0; k < i && status == EXIT_DONE && !skip[i]; k++) {
            if (skip[k] || strcmp(list[i]->name, list[k]->name) != 0) continue;
            char *a = scenario_to_json(list[i]), *b = scenario_to_json(list[k]);
            if (strcmp(a, b) == 0) {
                skip[i] = true;
            } else {
                char *name = utf8_sanitize(list[i]->name);
                cli_error("%s and %s hold different scenarios named \"%s\"", o->args[k], o->args[i],
                          name);
                free(name);
                status = EXIT_BAD;
            }
            free(a);
            free(b);
        }
    Store *st = status == EXIT_DONE ? cli_open_store(o) : NULL;
    if (status == EXIT_DONE && (!st || !check_conflicts(st, o, list, skip))) status = EXIT_BAD;
    if (st && status == EXIT_DONE) {
        Scenario **unique = xcalloc(o->n_args, sizeof *unique);
        size_t n = 0;
        for (size_t i = 0; i < o->n_args; i++)
            if (!skip[i]) unique[n++] = list[i];
        StoreSaveResult *res = xcalloc(o->n_args, sizeof *res);
        char *err = NULL;
        if (!store_save_many(st, unique, n, o->replace, res, &err)) {
            cli_report(err);
            status = EXIT_BAD;
        } else {
            for (size_t i = 0, k = 0; i < o->n_args; i++) {
                StoreSaveResult r = skip[i] ? STORE_UNCHANGED : res[k++];
                char *name = utf8_sanitize(list[i]->name);
                cli_note("%s \"%s\" from %s",
                         r == STORE_ADDED      ? "imported"
                         : r == STORE_REPLACED ? "replaced"
                                               : "unchanged",
                         name, o->args[i]);
                free(name);
            }
            /* then their decisions: merged (already there ones are skipped) in a second
             * transaction; if it fails, the scenario is in and importing again adds them */
            for (size_t i = 0; i < o->n_args && status == EXIT_DONE; i++) {
                size_t added = 0;
                if (skip[i] || !decided[i].n) continue;
                if (!decisions_merge(st, list[i]->name, &decided[i], &added, &err)) {
                    cli_report(err);
                    status = EXIT_BAD;
                } else if (added) {
                    cli_note("%zu decision%s from %s", added, added == 1 ? "" : "s", o->args[i]);
                }
            }
        }
        free(res);
        free(unique);
    }
    store_close(st);
    for (size_t i = 0; i < o->n_args; i++) {
        scenario_free(list[i]);
        decision_list_done(&decided[i]);
    }
    free(list);
    free(skip);
    free(decided);
    return status;
}

int cmd_export(CliOptions *o)
{
    if (o->n_args != 1) return cli_usage_error("export needs one NAME");
    Store *st = cli_open_store(o);
    if (!st) return EXIT_BAD;
    char *err = NULL;
    Scenario *s = store_load(st, o->args[0], &err);
    DecisionList decided = {0}; /* the review's decisions go with it (format 3) */
    if (s && !decisions_load(st, o->args[0], &decided, &err)) {
        scenario_free(s);
        s = NULL;
    }
    store_close(st);
    if (!s) {
        cli_report(err);
        return EXIT_BAD;
    }
    char *json = scenario_to_json_with_decisions(s, &decided);
    decision_list_done(&decided);
    scenario_free(s);
    bool ok = file_write_atomic(o->output ? o->output : "-", json, strlen(json), &err);
    free(json);
    if (!ok) {
        cli_report(err);
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
        cli_report(err);
        return EXIT_BAD;
    }
    return EXIT_DONE;
}
