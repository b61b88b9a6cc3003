/* `breakout diff A B`: analyses two scenarios and writes what changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "diff.h"
#include "diff_writer.h"
#include "engine.h"
#include "findings.h"

int cmd_diff(CliOptions *o)
{
    if (o->n_args != 2) return cli_usage_error("diff needs two scenarios, A and B");
    const char *format = o->format ? o->format : "text";
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "md"))
        return cli_usage_error("--format: expected text, json or md, got \"%s\"", format);
    Catalog *cat = cli_load_catalog(o);
    if (!cat) return EXIT_BAD;
    Scenario *s[2] = {NULL, NULL};
    Analysis *a[2] = {NULL, NULL};
    Findings *f[2] = {NULL, NULL};
    int status = EXIT_DONE;
    for (int i = 0; i < 2 && status == EXIT_DONE; i++) {
        s[i] = cli_load_scenario(o, o->args[i]);
        if (!s[i]) {
            status = EXIT_BAD;
            break;
        }
        EngineOptions eo = {.max_paths = 0};
        a[i] = engine_analyze(s[i], cat, &eo);
        f[i] = findings_compute(a[i]);
    }
    if (status == EXIT_DONE) {
        Diff *d = diff_compute(a[0], f[0], a[1], f[1]);
        if (!strcmp(format, "json"))
            diff_write_json(d, stdout);
        else if (!strcmp(format, "md"))
            diff_write_md(d, stdout);
        else
            diff_write_text(d, stdout, cli_use_colour(STDOUT_FILENO));
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("could not write the output");
            status = EXIT_BAD;
        } else if (diff_regressed(d)) {
            status = EXIT_FOUND;
        }
        diff_free(d);
    }
    for (int i = 0; i < 2; i++) {
        findings_free(f[i]);
        analysis_free(a[i]);
        scenario_free(s[i]);
    }
    catalog_free(cat);
    return status;
}
