/* The explorer's export dialog (x): the open scenario's report in a chosen format, written
 * atomically to a chosen file. The writers are the command line's (data/report_*.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis_json.h"
#include "fileio.h"
#include "form.h"
#include "report_dot.h"
#include "report_html.h"
#include "report_md.h"
#include "report_sarif.h"
#include "report_text.h"
#include "xalloc.h"

static const char *const formats[] = {"html", "md", "sarif", "json", "text", "dot"};
#define N_FORMATS (sizeof formats / sizeof *formats)

/* The report of the open scenario in format f, as an owned buffer of *len bytes. */
static char *render(Explorer *ex, size_t f, size_t *len)
{
    explorer_need_findings(ex); /* every path, findings and the plan */
    Report r = {.analysis = ex->an_full, .findings = ex->findings, .plan = ex->plan};
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    switch (f) {
    case 0: report_write_html(&r, out); break;
    case 1: report_write_md(&r, out); break;
    case 2: report_write_sarif(&r, out, NULL); break;
    case 3: analysis_write_json(&r, out); break;
    case 4: report_write_text(&r, out, false); break;
    default: report_write_dot(&r, out); break;
    }
    fclose(out);
    return buf;
}

static size_t chosen_format(const Form *f)
{
    const char *name = form_choice(f, 0);
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(formats[i], name) == 0) return i;
    return 0;
}

static bool export_check(Explorer *ex, Form *f)
{
    (void)ex;
    const char *file = form_text(f, 1);
    if (!*file) {
        snprintf(f->error, sizeof f->error, "the file name must not be empty");
        return false;
    }
    if (file[strlen(file) - 1] == '/') {
        snprintf(f->error, sizeof f->error, "that is a directory: add a file name");
        return false;
    }
    struct stat st; /* writing to a named pipe would wait for a reader, the screen frozen */
    if (stat(file, &st) == 0 && S_ISFIFO(st.st_mode)) {
        snprintf(f->error, sizeof f->error, "that is a named pipe: choose a file");
        return false;
    }
    f->error[0] = '\0';
    return true;
}

static bool export_submit(Explorer *ex, Form *f)
{
    size_t fmt = chosen_format(f);
    const char *file = form_text(f, 1);
    size_t len = 0;
    char *buf = render(ex, fmt, &len), *err = NULL;
    bool ok = file_write_atomic(file, buf, len, &err);
    free(buf);
    if (!ok) {
        snprintf(f->error, sizeof f->error, "%s", err); /* the form stays open */
        free(err);
        return false;
    }
    explorer_status(ex, "wrote the %s report to %s (%zu bytes)", formats[fmt], file, len);
    return true;
}

void forms_export(Explorer *ex)
{
    if (!ex->sc) {
        explorer_status(ex, "open a scenario first (Enter)");
        return;
    }
    Form *f = form_new("Export the report");
    snprintf(f->prompt, sizeof f->prompt,
             "The analysis of this scenario as a file: html for a design review, md for a "
             "repository, sarif for a CI gate.");
    form_add_choice(f, "format", formats, N_FORMATS, 0);
    form_add_text(f, "file", "breakout-report.html");
    f->check = export_check;
    f->submit = export_submit;
    form_open(ex, f);
}
