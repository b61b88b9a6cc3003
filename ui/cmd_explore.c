/* `breakout [FILE]`: the explorer on the default workspace, on a workspace file, or on a
 * scenario file imported into the default workspace first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "explorer.h"
#include "scenario_json.h"
#include "xalloc.h"

/* True when path starts with SQLite's header: a workspace (or a foreign database, which
 * store_open then refuses). */
static bool is_sqlite_file(const char *path)
{
    char head[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

int cmd_explore(CliOptions *o, const char *file)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        if (!file) return cmd_list(o); /* in a pipe, the scenario list is what is useful */
        cli_error("the explorer needs a terminal; use 'breakout analyze %s' in scripts", file);
        return EXIT_BAD;
    }
    CliOptions local = *o;
    char *select = NULL;
    if (file && is_sqlite_file(file)) {
        local.db = file;
    } else if (file) {
        char *err = NULL;
        Scenario *s = cli_import_file(o, file);
        if (!s) return EXIT_BAD;
        Store *st = cli_open_store(o);
        StoreSaveResult res;
        bool ok = st && store_save(st, s, o->replace, &res, &err);
        if (st && !ok) cli_report(err);
        store_close(st);
        if (!ok) {
            scenario_free(s);
            return EXIT_BAD;
        }
        select = xstrdup(s->name);
        scenario_free(s);
    }
    Catalog *cat = cli_load_catalog(&local);
    if (!cat) {
        free(select);
        return EXIT_BAD;
    }
    Store *st = cli_open_store(&local);
    int status = EXIT_BAD;
    if (st) status = explorer_run(st, cat, select);
    store_close(st);
    catalog_free(cat);
    free(select);
    return status;
}
