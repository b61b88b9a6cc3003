/* Headless rendering of the explorer's views (tig-style): a scripted key sequence on a
 * screen written to /dev/null, the final screen compared with tests/e2e/golden/render-*.txt.
 * UPDATE_GOLDENS=1 rewrites the goldens (on purpose only; review the diff). */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_json.h"
#include "explorer_int.h"
#include "store.h"

#define OPEN_ADMIN "/Shared Windows node, ContainerAdministrator guest\r\r"
#define OPEN_SSH   "/Hyper-V isolation with a writable .ssh mount\r\r"

/* Renders keys at cols x lines on a fresh workspace seeded with the bundled scenarios.
 * Returns the owned screen text. */
static char *render(const char *keys, int cols, int lines)
{
    cr_assert(setlocale(LC_ALL, "C.UTF-8"), "the C.UTF-8 locale is missing");
    char dir[] = "/tmp/breakout-render-XXXXXX";
    cr_assert(mkdtemp(dir));
    char db[64];
    snprintf(db, sizeof db, "%s/ws.db", dir);
    char *err = NULL;
    Store *st = store_open(db, true, &err);
    cr_assert(st, "%s", err ? err : "");
    Catalog *cat = catalog_load_builtin();
    char *text = explorer_render(st, cat, keys, cols, lines);
    catalog_free(cat);
    store_close(st);
    unlink(db);
    rmdir(dir);
    return text;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!buf) buf = calloc(1, 1);
    buf[len] = 0;
    return buf;
}

/* Compares the screen with golden NAME (or rewrites it with UPDATE_GOLDENS=1). */
static void check_golden(const char *name, char *screen)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/e2e/golden/render-%s.txt", SOURCE_DIR, name);
    const char *update = getenv("UPDATE_GOLDENS");
    if (update && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "w");
        cr_assert(f, "cannot write %s", path);
        fputs(screen, f);
        fclose(f);
    }
    char *golden = read_all(path);
    cr_assert(golden, "missing golden %s (UPDATE_GOLDENS=1 writes it)", path);
    cr_expect_str_eq(screen, golden, "%s differs from the screen:\n%s", path, screen);
    free(golden);
    free(screen);
}

Test(render, main_view_shows_the_failing_isolation)
{
    char *s = render(OPEN_ADMIN, 80, 24);
    cr_expect(strstr(s, "isolation    FAILS  (not-a-boundary)"), "%s", s);
    cr_expect(strstr(s, "[P]# guest-app  guest! *"), "%s", s);
    check_golden("main", s);
}

Test(render, paths_view_lists_lowest_effort_first)
{
    char *s = render(OPEN_SSH "p", 80, 24);
    char *one = strstr(s, "guest-app -> host:node-1"),
         *two = strstr(s, "guest-app -> tenant:contoso");
    cr_expect(one && two && one < two, "%s", s);
    check_golden("paths", s);
}

Test(render, hop_view_teaches_the_ssh_injection)
{
    char *s = render(OPEN_SSH "p\r", 80, 24);
    cr_expect(strstr(s, "technique: hostpath-ssh-injection"), "%s", s);
    cr_expect(strstr(s, "What closes it"), "%s", s);
    cr_expect(strstr(s, "Why it works"), "%s", s);
    check_golden("hop", s);
}

Test(render, hop_view_steps_forward_and_back)
{
    char *s = render(OPEN_SSH "pj\rnnb", 80, 24);
    cr_expect(strstr(s, "Hop 2 of 3: "), "%s", s);
    cr_expect(strstr(s, "technique: host-kernel-escalation"), "%s", s);
    free(s);
}

Test(render, hop_view_scrolls_to_the_source)
{
    char *s = render(OPEN_SSH "p\rjjjjjjjjjjjjjjjjjjjj", 80, 24);
    cr_expect(strstr(s, "Source"), "%s", s);
    cr_expect(!strstr(s, "technique: hostpath-ssh-injection"), "did not scroll:\n%s", s);
    free(s);
}

Test(render, matrix_view)
{
    char *s = render(OPEN_ADMIN "m", 80, 24);
    cr_expect(strstr(s, "FAILS not-a-boundary"), "%s", s);
    check_golden("matrix", s);
}

Test(render, findings_view)
{
    char *s = render(OPEN_ADMIN "f", 80, 24);
    cr_expect(strstr(s, "guest-app: isolation process -> hyperv"), "%s", s);
    /* wrapped, not cut at the edge */
    cr_expect(strstr(s, "(closes 2 of 2 paths on its\n      own)"), "%s", s);
    cr_expect(strstr(s, "boundary fails"), "%s", s);
    check_golden("findings", s);
}

Test(render, help_is_generated_from_the_key_table)
{
    char *s = render(OPEN_ADMIN "?", 80, 24);
    cr_expect(strstr(s, "attack paths, lowest effort first"), "%s", s);
    check_golden("help", s);
}

Test(render, too_small_is_polite)
{
    char *s = render("", 60, 15);
    cr_expect(strstr(s, "terminal too small (need 80x24, have 60x15)"), "%s", s);
    free(s);
}

Test(render, quit_from_the_list_stops)
{
    char *s = render("qjjjj", 80, 24);
    cr_expect(strstr(s, "scenarios"), "%s", s);
    free(s);
}
