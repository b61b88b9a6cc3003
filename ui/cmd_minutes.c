/* `breakout minutes SCENARIO [--format md|html] [-o FILE]`: the minutes of a review, written
 * whole, then kept as a snapshot in the workspace that the next minutes compare with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "fileio.h"
#include "minutes.h"
#include "record_int.h"

/* The entry point ui/cli.c calls (declared in ui/cli_int.h once it holds RecordOptions). */
int cmd_minutes(CliOptions *o, const RecordOptions *r);

int cmd_minutes(CliOptions *o, const RecordOptions *r)
{
    if (o->n_args != 1) return cli_usage_error("minutes needs one SCENARIO (a workspace name)");
    const char *format = o->format ? o->format : "md";
    bool html = strcmp(format, "html") == 0;
    if (!html && strcmp(format, "md") != 0)
        return cli_usage_error("--format: expected md or html, got \"%s\"", format);
    char now[21], today[11];
    if (!record_clock(r, now, today)) return EXIT_BAD;
    Catalog *cat = cli_load_catalog(o);
    if (!cat) return EXIT_BAD;
    int status = EXIT_BAD;
    char *err = NULL;
    Store *st = cli_open_store(o);
    MinutesRun *run = st ? minutes_take(st, o->args[0], cat, record_author(r), now, today, html,
                                        !o->no_plan, (size_t)o->plan_limit, &err)
                         : NULL;
    if (st && !run) cli_report(err);
    if (run) {
        size_t len;
        const char *text = minutes_text(run, &len);
        /* the snapshot the next minutes compare with is kept only once these are out */
        if (!file_write_atomic(o->output ? o->output : "-", text, len, &err) ||
            !minutes_keep(st, run, &err))
            cli_report(err);
        else
            status = EXIT_DONE;
    }
    minutes_run_free(run);
    store_close(st);
    catalog_free(cat);
    return status;
}
