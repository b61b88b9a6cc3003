/* Tests for data/scenario_json and data/fileio: every malformed file gets its exact line,
 * defaults are applied, bundled scenarios survive a write and re-read unchanged, and text mode
 * (no cJSON tree) reads what the tree reader reads. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decision.h"
#include "fileio.h"
#include "json_strict.h"
#include "scenario_json.h"
#include "xalloc.h"

#define MALFORMED_DIR "tests/malformed"
#define MIN_MALFORMED 28

/* Tests run from the source tree (ctest sets it; this makes a direct run work too). */
static void enter_source_dir(void)
{
    cr_assert_eq(chdir(SOURCE_DIR), 0, "cannot enter %s", SOURCE_DIR);
}

TestSuite(scenario_json, .init = enter_source_dir);

/* Returns the owned file names in dir ending with suffix, sorted; *n set to their count. */
static char **list_files(const char *dir, const char *suffix, size_t *n)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    size_t sl = strlen(suffix);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= sl || strcmp(e->d_name + l - sl, suffix) != 0 || e->d_name[0] == '.') continue;
        xgrow((void **)&names, &cap, *n + 1, sizeof *names);
        names[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    return names;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Returns the owned first line (without its newline) of the file at path. */
static char *first_line(const char *path)
{
    char *data, *err = NULL;
    size_t len;
    cr_assert(file_read_all(path, 1 << 20, &data, &len, &err), "%s", err ? err : "");
    data[strcspn(data, "\n")] = '\0';
    return data;
}

/* Parses NUL-terminated text as "s.json"; returns the scenario or NULL with *err set. */
static Scenario *parse(const char *text, char **err)
{
    *err = NULL;
    return scenario_parse(text, strlen(text), "s.json", err);
}

static Scenario *parse_ok(const char *text)
{
    char *err;
    Scenario *s = parse(text, &err);
    cr_assert_not_null(s, "rejected: %s", err ? err : "");
    return s;
}

static void parse_fails(const char *text, const char *want)
{
    char *err;
    Scenario *s = parse(text, &err);
    cr_assert_null(s, "accepted: %s", text);
    cr_assert_str_eq(err, want);
    free(err);
}

/* err (freed here) is the message for path: path, then what. */
static void expect_message(char *err, const char *path, const char *what)
{
    char *want = xasprintf("%s%s", path, what);
    cr_assert_str_eq(err, want);
    free(want);
    free(err);
}

/* ---- malformed files ---- */

Test(scenario_json, every_malformed_file_gets_its_expected_line)
{
    size_t n;
    char **names = list_files(MALFORMED_DIR, ".json", &n);
    cr_assert_geq(n, MIN_MALFORMED, "only %zu malformed files in %s", n, MALFORMED_DIR);
    size_t failures = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", MALFORMED_DIR, names[i]);
        char *exp_path = xasprintf("%.*s.expected", (int)(strlen(path) - 5), path);
        char *want = first_line(exp_path);
        char *err = NULL;
        Scenario *s = scenario_load_file(path, &err);
        if (s) {
            cr_log_error("%s: accepted, expected: %s", path, want);
            failures++;
            scenario_free(s);
        } else if (strcmp(err, want) != 0) {
            cr_log_error("%s:\n  got:      %s\n  expected: %s", path, err, want);
            failures++;
        }
        free(err);
        free(want);
        free(exp_path);
        free(path);
    }
    free_list(names, n);
    cr_assert_eq(failures, 0, "%zu malformed files gave another message", failures);
}

Test(scenario_json, every_expected_file_has_its_malformed_file)
{
    size_t n;
    char **names = list_files(MALFORMED_DIR, ".expected", &n);
    for (size_t i = 0; i < n; i++) {
        char *path =
            xasprintf("%s/%.*s.json", MALFORMED_DIR, (int)(strlen(names[i]) - 9), names[i]);
        cr_assert_eq(access(path, R_OK), 0, "%s has no %s", names[i], path);
        free(path);
    }
    free_list(names, n);
}

Test(scenario_json, a_directory_or_a_missing_file)
{
    char *err = NULL;
    cr_assert_null(scenario_load_file(MALFORMED_DIR, &err));
    cr_assert_str_eq(err, "tests/malformed: is a directory, expected a file");
    free(err);
    cr_assert_null(scenario_load_file("tests/malformed/no-such-file.json", &err));
    cr_assert_str_eq(err, "tests/malformed/no-such-file.json: no such file");
    free(err);
}

/* A temporary directory, removed with its files by rm_tmpdir. */
static char *make_tmpdir(void)
{
    char *dir = xstrdup("/tmp/breakout-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void rm_tmpdir(char *dir)
{
    size_t n;
    char **names = list_files(dir, "", &n);
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", dir, names[i]);
        unlink(p);
        free(p);
    }
    free_list(names, n);
    /* list_files skips dot files: the atomic writer's temporaries would show up here. */
    cr_assert_eq(rmdir(dir), 0, "%s is not empty (a temporary file left behind?)", dir);
    free(dir);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

Test(scenario_json, a_very_long_string)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/long.json", dir);
    size_t n = JSON_STRICT_MAX_STRING + 1;
    char *text = xmalloc(n + 64);
    int o = sprintf(text, "{\n  \"breakout\": 1,\n  \"name\": \"");
    memset(text + o, 'x', n);
    strcpy(text + o + n, "\"\n}\n");
    write_file(path, text, strlen(text));
    char *err = NULL;
    cr_assert_null(scenario_load_file(path, &err));
    expect_message(err, path, ":3:11: string longer than 1048576 bytes");
    free(text);
    free(path);
    rm_tmpdir(dir);
}

/* ---- fileio ---- */

Test(scenario_json, file_read_all_limits)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/f.bin", dir);
    write_file(path, "0123456789", 10);
    char *data = NULL, *err = NULL;
    size_t len = 0;
    cr_assert(file_read_all(path, 10, &data, &len, &err), "exactly the limit is accepted");
    cr_assert_eq(len, 10);
    cr_assert_str_eq(data, "0123456789");
    free(data);
    cr_assert_not(file_read_all(path, 9, &data, &len, &err));
    expect_message(err, path, ": larger than the 9 byte limit");

    size_t mib = 1024 * 1024;
    char *big = xcalloc(mib + 1, 1);
    write_file(path, big, mib + 1);
    cr_assert_not(file_read_all(path, mib, &data, &len, &err));
    expect_message(err, path, ": larger than the 1 MB limit");
    free(big);

    write_file(path, "", 0);
    cr_assert(file_read_all(path, 10, &data, &len, &err));
    cr_assert_eq(len, 0);
    cr_assert_str_eq(data, "");
    free(data);
    free(path);
    rm_tmpdir(dir);
}

Test(scenario_json, file_read_all_stops_an_endless_stream_at_the_limit)
{
    char *err = NULL, *data = NULL;
    size_t len = 0;
    /* /dev/zero never ends: only the limit stops the read. */
    cr_assert_not(file_read_all("/dev/zero", 100000, &data, &len, &err));
    cr_assert_str_eq(err, "/dev/zero: larger than the 100000 byte limit");
    free(err);
}

Test(scenario_json, file_write_atomic_replaces_and_keeps_the_mode)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/out.json", dir);
    char *err = NULL;
    cr_assert(file_write_atomic(path, "first\n", 6, &err), "%s", err ? err : "");
    char *data;
    size_t len;
    cr_assert(file_read_all(path, 100, &data, &len, &err));
    cr_assert_str_eq(data, "first\n");
    free(data);
    cr_assert_eq(chmod(path, 0640), 0);
    cr_assert(file_write_atomic(path, "second", 6, &err));
    cr_assert(file_read_all(path, 100, &data, &len, &err));
    cr_assert_str_eq(data, "second");
    free(data);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0640);

    /* Through a symbolic link, the target is written and the link stays. */
    char *link = xasprintf("%s/link.json", dir);
    cr_assert_eq(symlink(path, link), 0);
    cr_assert(file_write_atomic(link, "third", 5, &err));
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode));
    cr_assert(file_read_all(path, 100, &data, &len, &err));
    cr_assert_str_eq(data, "third");
    free(data);
    free(link);
    free(path);
    rm_tmpdir(dir);
}

static void *read_pipe(void *path)
{
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (!file_read_all(path, 1000, &data, &len, &err)) free(err);
    return data;
}

/* Something that is not a regular file (a named pipe, /dev/null) is written to as it is:
 * renaming a file over it would replace the device or the pipe. */
Test(scenario_json, file_write_atomic_writes_to_a_named_pipe_and_keeps_it, .timeout = 20)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/pipe", dir);
    cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo: %s", strerror(errno));
    pthread_t reader;
    cr_assert_eq(pthread_create(&reader, NULL, read_pipe, path), 0);
    char *err = NULL;
    cr_assert(file_write_atomic(path, "through\n", 8, &err), "%s", err ? err : "");
    void *got = NULL;
    pthread_join(reader, &got);
    cr_assert_str_eq(got ? got : "(nothing)", "through\n");
    free(got);
    struct stat st;
    cr_assert_eq(lstat(path, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the pipe was replaced");
    DIR *d = opendir(dir);
    size_t entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    cr_assert_eq(entries, 1, "a temporary file was left beside the pipe");
    free(path);
    rm_tmpdir(dir);
}

Test(scenario_json, file_write_atomic_errors_leave_nothing_behind)
{
    char *dir = make_tmpdir();
    char *err = NULL;
    cr_assert_not(file_write_atomic(dir, "x", 1, &err));
    expect_message(err, dir, ": is a directory, expected a file");
    char *path = xasprintf("%s/missing/out.json", dir);
    cr_assert_not(file_write_atomic(path, "x", 1, &err));
    expect_message(err, path, ": no such directory");
    free(path);
    rm_tmpdir(dir);
}

/* Writes n bytes of text (lines of 'x', each ending in a newline) to path. */
static void write_sized(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(i % 64 == 63 ? '\n' : 'x', f);
    fclose(f);
}

Test(scenario_json, file_text_read_maps_a_large_file_and_reads_the_rest_as_file_read_all)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/f.json", dir);
    long page = sysconf(_SC_PAGESIZE);
    const size_t sizes[] = {FILE_MAP_MIN + 100, FILE_MAP_MIN + 3 * (size_t)page, 1000, 0};
    const bool mapped[] = {true, false /* a whole number of pages: no NUL after it */, false,
                           false};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        write_sized(path, sizes[i]);
        FileText t;
        char *err = NULL, *data;
        size_t len;
        cr_assert(file_text_read(path, 64 << 20, &t, &err), "%s", err ? err : "");
        cr_assert_eq(t.mapped, mapped[i], "size %zu", sizes[i]);
        cr_assert(file_read_all(path, 64 << 20, &data, &len, &err));
        cr_assert_eq(t.len, len);
        cr_assert_eq(memcmp(t.data, data, len + 1), 0, "size %zu: not the same text and NUL",
                     sizes[i]);
        free(data);
        file_text_done(&t);
    }
    /* what another program appends to a mapped file does not take the place of the NUL */
    write_sized(path, FILE_MAP_MIN + 100);
    {
        FileText t;
        char *err = NULL;
        cr_assert(file_text_read(path, 64 << 20, &t, &err));
        cr_assert(t.mapped);
        FILE *f = fopen(path, "a");
        cr_assert_not_null(f);
        fputs("appended", f);
        fclose(f);
        cr_assert_eq(t.data[t.len], '\0');
        file_text_done(&t);
    }
    /* the errors are file_read_all's */
    write_sized(path, FILE_MAP_MIN + 100);
    FileText t;
    char *err = NULL;
    cr_assert_not(file_text_read(path, FILE_MAP_MIN, &t, &err));
    expect_message(err, path, ": larger than the 1 MB limit");
    char *missing = xasprintf("%s/missing.json", dir);
    cr_assert_not(file_text_read(missing, 64 << 20, &t, &err));
    expect_message(err, missing, ": no such file");
    free(missing);
    free(path);
    rm_tmpdir(dir);
}

/* Counts the entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

Test(scenario_json, file_atomic_stream_replaces_only_on_commit)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/out.json", dir);
    char *err = NULL, *data;
    size_t len;
    cr_assert(file_write_atomic(path, "old", 3, &err));
    cr_assert_eq(chmod(path, 0600), 0);

    /* written as it is made: until the commit, path holds the old content */
    AtomicFile *af = file_atomic_open(path, &err);
    cr_assert_not_null(af, "%s", err ? err : "");
    cr_assert_eq(strncmp(file_atomic_temp(af), dir, strlen(dir)), 0);
    for (int i = 0; i < 10000; i++)
        fprintf(file_atomic_stream(af), "line %d\n", i);
    cr_assert(file_read_all(path, 100, &data, &len, &err));
    cr_assert_str_eq(data, "old");
    free(data);
    cr_assert_eq(count_entries(dir), 2); /* the file and the temporary file */
    cr_assert(file_atomic_commit(af, &err), "%s", err ? err : "");
    cr_assert(file_read_all(path, 1000000, &data, &len, &err));
    cr_assert_eq(len, 98890);
    cr_assert_eq(strncmp(data + len - 10, "line 9999\n", 10), 0);
    free(data);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
    cr_assert_eq(count_entries(dir), 1);

    /* an abort removes the temporary file and leaves path alone */
    af = file_atomic_open(path, &err);
    cr_assert_not_null(af);
    fputs("never", file_atomic_stream(af));
    file_atomic_abort(af);
    cr_assert(file_read_all(path, 1000000, &data, &len, &err));
    cr_assert_eq(len, 98890);
    free(data);
    cr_assert_eq(count_entries(dir), 1);

    /* a place it cannot go is told at open */
    char *missing = xasprintf("%s/missing/out.json", dir);
    cr_assert_null(file_atomic_open(missing, &err));
    expect_message(err, missing, ": no such directory");
    free(missing);
    free(path);
    rm_tmpdir(dir);
}

/* ---- defaults and format 2 ---- */

static const char minimal_v1[] =
    "{\"breakout\": 1, \"name\": \"Minimal\",\n"
    " \"tenants\": [{\"id\": \"guest\", \"trust\": \"untrusted\"}],\n"
    " \"hosts\": [{\"id\": \"node\", \"os\": \"windows\"}],\n"
    " \"workloads\": [{\"id\": \"app\", \"tenant\": \"guest\", \"host\": \"node\",\n"
    "   \"isolation\": \"hyperv\", \"account\": \"user\",\n"
    "   \"mounts\": [{\"host_path\": \"C:\\\\data\"}]}]}";

Test(scenario_json, defaults)
{
    Scenario *s = parse_ok(minimal_v1);
    cr_assert_str_eq(s->name, "Minimal");
    cr_assert_null(s->description);
    cr_assert(s->assume[ASSUME_KERNEL_EXPLOIT]);
    cr_assert_not(s->assume[ASSUME_HYPERVISOR_EXPLOIT]);
    cr_assert_not(s->assume[ASSUME_SANDBOX_EXPLOIT]);
    cr_assert_eq(s->n_tenants, 1);
    cr_assert_str_eq(s->tenants[0].name, "guest", "a tenant's name defaults to its id");
    cr_assert_eq(s->tenants[0].trust, TRUST_UNTRUSTED);
    cr_assert_eq(s->hosts[0].os, OS_WINDOWS);
    cr_assert_not(s->hosts[0].ssh, "ssh defaults to false");
    cr_assert_eq(s->hosts[0].n_users, 0);
    const Workload *w = &s->workloads[0];
    cr_assert_eq(w->isolation, ISOLATION_HYPERV);
    cr_assert_eq(w->account, ACCOUNT_USER);
    cr_assert_not(w->privileged);
    cr_assert_not(w->compromised);
    cr_assert_eq(w->host_namespaces, 0);
    cr_assert_eq(w->n_mounts, 1);
    cr_assert_str_eq(w->mounts[0].host_path, "C:\\data");
    cr_assert_null(w->mounts[0].path);
    cr_assert_not(w->mounts[0].read_only, "mounts default to read-write");
    cr_assert_eq(w->hardening.n + w->capabilities.n + w->notes.n, 0);
    scenario_free(s);
}

Test(scenario_json, assumptions_given_in_part_keep_the_other_defaults)
{
    Scenario *s = parse_ok("{\"breakout\": 1, \"name\": \"a\", \"assumptions\": "
                           "{\"hypervisor_exploit\": true}, \"tenants\": [], \"hosts\": [], "
                           "\"workloads\": []}");
    cr_assert(s->assume[ASSUME_KERNEL_EXPLOIT]);
    cr_assert(s->assume[ASSUME_HYPERVISOR_EXPLOIT]);
    cr_assert_not(s->assume[ASSUME_SANDBOX_EXPLOIT]);
    scenario_free(s);
    s = parse_ok("{\"breakout\": 1, \"name\": \"a\", \"assumptions\": {\"kernel_exploit\": "
                 "false, \"sandbox_exploit\": true}, \"tenants\": [], \"hosts\": [], "
                 "\"workloads\": []}");
    cr_assert_not(s->assume[ASSUME_KERNEL_EXPLOIT]);
    cr_assert_not(s->assume[ASSUME_HYPERVISOR_EXPLOIT]);
    cr_assert(s->assume[ASSUME_SANDBOX_EXPLOIT]);
    scenario_free(s);
}

static const char full_v2[] =
    "{\"breakout\": 2, \"name\": \"Every field\", \"description\": \"All of \\\"it\\\" \\u00e9\",\n"
    " \"assumptions\": {\"kernel_exploit\": false, \"hypervisor_exploit\": true, "
    "\"sandbox_exploit\": true},\n"
    " \"tenants\": [{\"id\": \"a\", \"name\": \"Tenant A\", \"trust\": \"trusted\"},\n"
    "              {\"id\": \"b\", \"trust\": \"untrusted\"}],\n"
    " \"hosts\": [{\"id\": \"h1\", \"os\": \"linux\", \"ssh\": true, \"users\": "
    "[{\"name\": \"root\", \"admin\": true}, {\"name\": \"ubuntu\"}]},\n"
    "           {\"id\": \"h2\", \"os\": \"windows\"}],\n"
    " \"workloads\": [{\"id\": \"w1\", \"tenant\": \"b\", \"host\": \"h1\", \"isolation\": "
    "\"sandbox\", \"account\": \"admin\", \"privileged\": true, \"compromised\": true,\n"
    "   \"host_pid\": true, \"host_network\": false, \"host_ipc\": true,\n"
    "   \"capabilities\": [\"cap_sys_admin\", \"NET_RAW\", \"CAP_SYS_ADMIN\", \"sys_ptrace\"],\n"
    "   \"mounts\": [{\"host_path\": \"/var/run/docker.sock\", \"path\": \"/sock\", \"read_only\": "
    "true}, {\"host_path\": \"/home\"}],\n"
    "   \"hardening\": [\"seccomp\", \"apparmor\"], \"assumed\": [\"runAsUser unset: assumed "
    "root\"]},\n"
    "  {\"id\": \"w2\", \"tenant\": \"a\", \"host\": \"h2\", \"isolation\": \"host\", "
    "\"account\": \"user\", \"host_network\": true}]}";

Test(scenario_json, format_2_fields)
{
    Scenario *s = parse_ok(full_v2);
    const Workload *w = &s->workloads[0];
    cr_assert_eq(w->host_namespaces, HOSTNS_PID | HOSTNS_IPC);
    cr_assert_eq(s->workloads[1].host_namespaces, HOSTNS_NETWORK);
    cr_assert_eq(w->capabilities.n, 3, "CAP_ dropped, upper-cased, duplicates merged");
    cr_assert_str_eq(w->capabilities.items[0], "SYS_ADMIN");
    cr_assert_str_eq(w->capabilities.items[1], "NET_RAW");
    cr_assert_str_eq(w->capabilities.items[2], "SYS_PTRACE");
    cr_assert_eq(w->notes.n, 1);
    cr_assert_str_eq(w->notes.items[0], "runAsUser unset: assumed root");
    cr_assert_str_eq(s->description, "All of \"it\" \xc3\xa9");
    cr_assert_str_eq(s->tenants[0].name, "Tenant A");
    cr_assert(s->hosts[0].users[0].admin);
    cr_assert_not(s->hosts[0].users[1].admin, "a user is not an admin by default");
    scenario_free(s);
}

Test(scenario_json, content_errors_point_at_the_place)
{
    parse_fails("{\"breakout\": 2, \"name\": \"x\", \"tenants\": [], \"hosts\": [],\n"
                " \"workloads\": [{\"id\": \"w\", \"tenant\": \"t\", \"host\": \"h\",\n"
                "   \"isolation\": \"process\", \"account\": \"user\", \"mounts\": [\n"
                "     {\"host_path\": \"/x\", \"read_only\": 1}]}]}",
                "s.json:4:39: workloads[0].mounts[0].read_only: expected true or false, got the "
                "number 1");
    parse_fails("{\"breakout\": 1.5}",
                "s.json:1:14: breakout: unsupported format version 1.5, expected 1, 2 or 3");
    parse_fails("{\"breakout\": 1, \"name\": \"\"}",
                "s.json:1:25: name: expected a non-empty name, got \"\"");
    /* An odd key is quoted in the path, and made safe to print. */
    parse_fails("{\"breakout\": 1, \"a b\\u001b\": 1}",
                "s.json:1:17: [\"a b\\u001B\"]: unknown key, expected \"breakout\", \"name\", "
                "\"description\", \"assumptions\", \"tenants\", \"hosts\" or \"workloads\"");
    /* Keys are case-sensitive: a near miss is suggested. */
    parse_fails("{\"breakout\": 1, \"Name\": \"x\"}",
                "s.json:1:17: Name: unknown key, did you mean \"name\"?");
    parse_fails("\"scenario\"",
                "s.json:1:1: expected a JSON object (a breakout scenario), got the string "
                "\"scenario\"");
    /* Format 2 keys are known in format 2. */
    parse_fails("{\"breakout\": 2, \"name\": \"x\", \"tenants\": [], \"hosts\": [], "
                "\"workloads\": [{\"id\": \"w\", \"tenant\": \"t\", \"host\": \"h\", "
                "\"isolation\": \"process\", \"account\": \"user\", \"colour\": 1}]}",
                "s.json:1:155: workloads[0].colour: unknown key, expected \"id\", \"tenant\", "
                "\"host\", \"isolation\", \"account\", \"privileged\", \"compromised\", "
                "\"mounts\", \"hardening\", \"host_pid\", \"host_network\", \"host_ipc\", "
                "\"capabilities\" or \"assumed\"");
}

Test(scenario_json, a_byte_order_mark_is_accepted)
{
    char *text = xasprintf("\xef\xbb\xbf%s", minimal_v1);
    Scenario *s = parse_ok(text);
    cr_assert_str_eq(s->name, "Minimal");
    scenario_free(s);
    free(text);
}

/* ---- writing and round trips ---- */

/* Returns an owned description of the first difference between a and b, or NULL. */
static char *scenario_diff(const Scenario *a, const Scenario *b)
{
#define DIFF_STR(x, y, what)                                                                       \
    do {                                                                                           \
        if (((x) == NULL) != ((y) == NULL) || ((x) && strcmp((x), (y)) != 0))                      \
            return xasprintf("%s: \"%s\" vs \"%s\"", what, (x) ? (x) : "(null)",                   \
                             (y) ? (y) : "(null)");                                                \
    } while (0)
#define DIFF_INT(x, y, what)                                                                       \
    do {                                                                                           \
        if ((long)(x) != (long)(y))                                                                \
            return xasprintf("%s: %ld vs %ld", what, (long)(x), (long)(y));                        \
    } while (0)
    DIFF_STR(a->name, b->name, "name");
    DIFF_STR(a->description, b->description, "description");
    for (int k = 0; k < ASSUME_COUNT; k++)
        DIFF_INT(a->assume[k], b->assume[k], assumption_name((Assumption)k));
    DIFF_INT(a->n_tenants, b->n_tenants, "tenant count");
    for (size_t i = 0; i < a->n_tenants; i++) {
        DIFF_STR(a->tenants[i].id, b->tenants[i].id, "tenant id");
        DIFF_STR(a->tenants[i].name, b->tenants[i].name, "tenant name");
        DIFF_INT(a->tenants[i].trust, b->tenants[i].trust, "tenant trust");
    }
    DIFF_INT(a->n_hosts, b->n_hosts, "host count");
    for (size_t i = 0; i < a->n_hosts; i++) {
        const Host *x = &a->hosts[i], *y = &b->hosts[i];
        DIFF_STR(x->id, y->id, "host id");
        DIFF_INT(x->os, y->os, "host os");
        DIFF_INT(x->ssh, y->ssh, "host ssh");
        DIFF_INT(x->n_users, y->n_users, "host user count");
        for (size_t u = 0; u < x->n_users; u++) {
            DIFF_STR(x->users[u].name, y->users[u].name, "user name");
            DIFF_INT(x->users[u].admin, y->users[u].admin, "user admin");
        }
    }
    DIFF_INT(a->n_workloads, b->n_workloads, "workload count");
    for (size_t i = 0; i < a->n_workloads; i++) {
        const Workload *x = &a->workloads[i], *y = &b->workloads[i];
        DIFF_STR(x->id, y->id, "workload id");
        DIFF_STR(x->tenant, y->tenant, "workload tenant");
        DIFF_STR(x->host, y->host, "workload host");
        DIFF_INT(x->isolation, y->isolation, "isolation");
        DIFF_INT(x->account, y->account, "account");
        DIFF_INT(x->privileged, y->privileged, "privileged");
        DIFF_INT(x->compromised, y->compromised, "compromised");
        DIFF_INT(x->host_namespaces, y->host_namespaces, "host namespaces");
        DIFF_INT(x->n_mounts, y->n_mounts, "mount count");
        for (size_t m = 0; m < x->n_mounts; m++) {
            DIFF_STR(x->mounts[m].host_path, y->mounts[m].host_path, "mount host_path");
            DIFF_STR(x->mounts[m].path, y->mounts[m].path, "mount path");
            DIFF_INT(x->mounts[m].read_only, y->mounts[m].read_only, "mount read_only");
        }
        const StrList *lx[] = {&x->hardening, &x->capabilities, &x->notes};
        const StrList *ly[] = {&y->hardening, &y->capabilities, &y->notes};
        for (int l = 0; l < 3; l++) {
            DIFF_INT(lx[l]->n, ly[l]->n, "list length");
            for (size_t k = 0; k < lx[l]->n; k++)
                DIFF_STR(lx[l]->items[k], ly[l]->items[k], "list item");
        }
    }
    return NULL;
#undef DIFF_STR
#undef DIFF_INT
}

/* Writes s, reads it back, writes again: the re-read equals s and both outputs are the
 * same bytes. Returns the owned first output. */
static char *round_trip(const Scenario *s, const char *label)
{
    char *out1 = scenario_to_json(s);
    char *err = NULL;
    Scenario *s2 = scenario_parse(out1, strlen(out1), label, &err);
    cr_assert_not_null(s2, "%s: its own output is rejected: %s\n%s", label, err, out1);
    char *diff = scenario_diff(s, s2);
    cr_assert_null(diff, "%s: changed by a round trip: %s", label, diff);
    char *out2 = scenario_to_json(s2);
    cr_assert_str_eq(out1, out2, "%s: writing is not stable", label);
    free(out2);
    scenario_free(s2);
    return out1;
}

Test(scenario_json, bundled_scenarios_round_trip)
{
    size_t n;
    char **names = list_files("scenarios", ".json", &n);
    cr_assert_gt(n, 0, "no bundled scenarios in scenarios/");
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("scenarios/%s", names[i]);
        char *err = NULL;
        Scenario *s = scenario_load_file(path, &err);
        cr_assert_not_null(s, "%s", err);
        char *out = round_trip(s, path);
        cr_assert(strncmp(out, "{\n  \"breakout\": 3,\n", 19) == 0, "%s", out);
        free(out);
        scenario_free(s);
        free(path);
    }
    free_list(names, n);
}

Test(scenario_json, every_format_2_field_round_trips)
{
    Scenario *s = parse_ok(full_v2);
    char *out = round_trip(s, "full_v2");
    free(out);
    scenario_free(s);

    /* A scenario built in code, with every field away from its default. */
    s = scenario_new("Built");
    s->description = xstrdup("line one\nline two\ttab \\ \"quoted\" \x01");
    s->assume[ASSUME_KERNEL_EXPLOIT] = false;
    s->assume[ASSUME_SANDBOX_EXPLOIT] = true;
    Tenant *t = scenario_add_tenant(s, "t\xc3\xa9", TRUST_TRUSTED);
    free(t->name);
    t->name = xstrdup("T \xf0\x9f\x98\x80");
    Host *h = scenario_add_host(s, "h", OS_WINDOWS);
    h->ssh = true;
    host_add_user(h, "Admin User", true);
    Workload *w = scenario_add_workload(s, "w", "t\xc3\xa9", "h");
    w->isolation = ISOLATION_HOST;
    w->account = ACCOUNT_USER;
    w->privileged = w->compromised = true;
    w->host_namespaces = HOSTNS_PID | HOSTNS_NETWORK | HOSTNS_IPC;
    workload_add_mount(w, "C:\\Users\\Admin User\\.ssh", "C:\\keys", true);
    workload_add_mount(w, "\\\\?\\C:\\", NULL, false);
    strlist_add(&w->hardening, "rbac");
    strlist_add(&w->capabilities, "SYS_ADMIN");
    strlist_add(&w->notes, "hostProcess: true");
    strlist_add(&w->notes, "isolation from the runtime class");
    out = round_trip(s, "built");
    free(out);
    scenario_free(s);
}

/* The canonical output of minimal_v1: format 3, every default written, fixed key order,
 * small objects and string lists on one line. */
static const char minimal_v3[] = "{\n"
                                 "  \"breakout\": 3,\n"
                                 "  \"name\": \"Minimal\",\n"
                                 "  \"assumptions\": {\n"
                                 "    \"kernel_exploit\": true,\n"
                                 "    \"hypervisor_exploit\": false,\n"
                                 "    \"sandbox_exploit\": false\n"
                                 "  },\n"
                                 "  \"tenants\": [\n"
                                 "    {\"id\": \"guest\", \"name\": \"guest\", \"trust\": "
                                 "\"untrusted\"}\n"
                                 "  ],\n"
                                 "  \"hosts\": [\n"
                                 "    {\n"
                                 "      \"id\": \"node\",\n"
                                 "      \"os\": \"windows\",\n"
                                 "      \"ssh\": false,\n"
                                 "      \"users\": []\n"
                                 "    }\n"
                                 "  ],\n"
                                 "  \"workloads\": [\n"
                                 "    {\n"
                                 "      \"id\": \"app\",\n"
                                 "      \"tenant\": \"guest\",\n"
                                 "      \"host\": \"node\",\n"
                                 "      \"isolation\": \"hyperv\",\n"
                                 "      \"account\": \"user\",\n"
                                 "      \"privileged\": false,\n"
                                 "      \"compromised\": false,\n"
                                 "      \"host_pid\": false,\n"
                                 "      \"host_network\": false,\n"
                                 "      \"host_ipc\": false,\n"
                                 "      \"capabilities\": [],\n"
                                 "      \"mounts\": [\n"
                                 "        {\"host_path\": \"C:\\\\data\", \"read_only\": false}\n"
                                 "      ],\n"
                                 "      \"hardening\": [],\n"
                                 "      \"assumed\": []\n"
                                 "    }\n"
                                 "  ]\n"
                                 "}\n";

Test(scenario_json, format_1_is_written_as_canonical_format_3)
{
    Scenario *s = parse_ok(minimal_v1);
    char *out = round_trip(s, "minimal_v1");
    cr_assert_str_eq(out, minimal_v3);
    free(out);
    scenario_free(s);
}

Test(scenario_json, canonical_output_of_lists_and_users)
{
    Scenario *s = parse_ok(full_v2);
    char *out = scenario_to_json(s);
    const char *want[] = {
        "  \"description\": \"All of \\\"it\\\" \xc3\xa9\",\n",
        "    {\"id\": \"b\", \"name\": \"b\", \"trust\": \"untrusted\"}\n",
        ("      \"users\": [\n"
         "        {\"name\": \"root\", \"admin\": true},\n"
         "        {\"name\": \"ubuntu\", \"admin\": false}\n"
         "      ]\n"),
        "      \"capabilities\": [\"SYS_ADMIN\", \"NET_RAW\", \"SYS_PTRACE\"],\n",
        ("        {\"host_path\": \"/var/run/docker.sock\", \"path\": \"/sock\", \"read_only\": "
         "true},\n"
         "        {\"host_path\": \"/home\", \"read_only\": false}\n"),
        ("      \"hardening\": [\"seccomp\", \"apparmor\"],\n"
         "      \"assumed\": [\"runAsUser unset: assumed root\"]\n"),
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_assert(strstr(out, want[i]) != NULL, "missing:\n%s\nin:\n%s", want[i], out);
    free(out);
    scenario_free(s);
}

Test(scenario_json, write_file_then_load_file)
{
    char *dir = make_tmpdir();
    char *path = xasprintf("%s/s.json", dir);
    Scenario *s = parse_ok(full_v2);
    char *err = NULL;
    cr_assert(scenario_write_file(s, path, &err), "%s", err ? err : "");
    Scenario *s2 = scenario_load_file(path, &err);
    cr_assert_not_null(s2, "%s", err ? err : "");
    char *diff = scenario_diff(s, s2);
    cr_assert_null(diff, "%s", diff);
    scenario_free(s2);
    scenario_free(s);
    free(path);
    rm_tmpdir(dir);
}

/* ---- text mode: read without a tree, as the tree reader reads ---- */

typedef enum { TEXT_READ, TEXT_ERROR, TEXT_UNSURE } TextOutcome;

/* Reads the len bytes at text in text mode (with the limit max_values) and, unless it is
 * unsure, checks that the strict check and the tree reader agree: the same scenario and
 * decisions, or the same error. Returns what text mode did. */
static TextOutcome both_ways_max(const char *text, size_t len, const char *file, size_t max_values)
{
    char *err = NULL, *jerr = NULL;
    DecisionList dt = {0}, dj = {0};
    Scenario *st = scenario_parse_fast(text, len, file, max_values, &dt, NULL, &err);
    TextOutcome o = st ? TEXT_READ : err ? TEXT_ERROR : TEXT_UNSURE;
    if (o == TEXT_UNSURE) {
        cr_assert_eq(dt.n, 0);
        return o;
    }
    cJSON *root = json_parse_strict_max(text, len, file, max_values, &jerr);
    cr_assert_not_null(root, "%s: text mode read it, the strict check says: %s", file, jerr);
    Scenario *sj = scenario_from_json(root, text, len, file, &dj, &jerr);
    cJSON_Delete(root);
    if (st) {
        cr_assert_not_null(sj, "%s: text mode read it, the tree reader says: %s", file, jerr);
        char *diff = scenario_diff(st, sj);
        cr_assert_null(diff, "%s: text mode and the tree reader differ: %s", file, diff);
        char *a = scenario_to_json_with_decisions(st, &dt);
        char *b = scenario_to_json_with_decisions(sj, &dj);
        cr_assert_str_eq(a, b, "%s: the decisions differ", file);
        free(a);
        free(b);
    } else {
        cr_assert_null(sj, "%s: text mode says %s, the tree reader reads it", file, err);
        cr_assert_str_eq(err, jerr, "%s: the errors differ", file);
        cr_assert_eq(dt.n, 0);
    }
    scenario_free(st);
    scenario_free(sj);
    decision_list_done(&dt);
    decision_list_done(&dj);
    free(err);
    free(jerr);
    return o;
}

static TextOutcome both_ways_n(const char *text, size_t len, const char *file)
{
    return both_ways_max(text, len, file, 0);
}

static TextOutcome both_ways(const char *text)
{
    return both_ways_n(text, strlen(text), "s.json");
}

/* The outcome of reading each .json file in dir both ways (both_ways_n); want says whether
 * text mode must read it (or must not). */
static void each_file_both_ways(const char *dir, bool want_read)
{
    size_t n;
    char **names = list_files(dir, ".json", &n);
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        char *data, *err = NULL;
        size_t len;
        cr_assert(file_read_all(path, 1 << 20, &data, &len, &err), "%s", err);
        TextOutcome o = both_ways_n(data, len, path);
        cr_assert_eq(o == TEXT_READ, want_read, "%s: %s in text mode", path,
                     want_read ? "not read" : "read");
        free(data);
        free(path);
    }
    free_list(names, n);
}

Test(scenario_json, text_mode_reads_every_bundled_scenario_as_the_tree_does)
{
    each_file_both_ways("scenarios", true);
}

Test(scenario_json, text_mode_reads_no_malformed_file)
{
    each_file_both_ways(MALFORMED_DIR, false);
}

Test(scenario_json, text_mode_decodes_strings_and_keys_as_cjson_does)
{
    static const char text[] =
        "\xef\xbb\xbf \n{\"breakout\":2,\"n\\u0061me\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9"
        "\\u20AC\\ud83d\\ude00 "
        "\xc3\xa9\",\"tenants\":[{\"id\":\"t\\u0031\",\"trust\":\"trusted\"}],"
        "\"hosts\":[{\"id\":\"h\",\"os\":\"windows\",\"users\":[{\"name\":\"ops\",\"admin\":true}]}"
        "],"
        "\"workloads\":[{\"id\":\"w\",\"tenant\":\"t1\",\"host\":\"h\",\"isolation\":"
        "\"hyp\\u0065rv\","
        "\"account\":\"user\",\"mounts\":[{\"host_path\":\"C:\\\\Users\\\\ops\\\\.ssh\"}],"
        "\"capabilities\":[\"cap_net_admin\",\"NET_ADMIN\"],\"hardening\":[\"rbac\"],"
        "\"assumed\":[\"x\"]}]}\r\n\t";
    cr_assert_eq(both_ways_n(text, strlen(text), "s.json"), TEXT_READ);
    char *err = NULL;
    Scenario *s = scenario_parse_fast(text, strlen(text), "s.json", 0, NULL, NULL, &err);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->name, "q\"b\\s/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9");
    cr_assert_str_eq(s->workloads[0].mounts[0].host_path, "C:\\Users\\ops\\.ssh");
    cr_assert_null(s->workloads[0].mounts[0].path);
    cr_assert_eq(s->workloads[0].isolation, ISOLATION_HYPERV);
    cr_assert_eq(s->workloads[0].capabilities.n, 1);
    cr_assert_str_eq(s->tenants[0].name, "t1");
    scenario_free(s);
}

Test(scenario_json, text_mode_reads_keys_in_any_order_and_the_version_anywhere)
{
    cr_assert_eq(
        both_ways("{\"workloads\": [{\"host\": \"h\", \"account\": \"admin\", \"id\": \"w\","
                  " \"host_pid\": true, \"isolation\": \"host\", \"tenant\": \"t\"}],"
                  " \"hosts\": [{\"os\": \"linux\", \"ssh\": true, \"id\": \"h\"}],"
                  " \"tenants\": [{\"trust\": \"untrusted\", \"id\": \"t\", \"name\": \"T\"}],"
                  " \"assumptions\": {\"sandbox_exploit\": true}, \"name\": \"n\","
                  " \"breakout\": 2}"),
        TEXT_READ);
    cr_assert_eq(both_ways("{\"hosts\": [], \"tenants\": [], \"workloads\": [], \"name\": \"n\","
                           " \"description\": \"\", \"breakout\": 1}"),
                 TEXT_READ);
}

/* ---- text mode: a large workloads array in two halves ---- */

/* Runs the jobs one after the other, the last first (the halves share nothing), counting the
 * runs: the halves' one, and scenario_validate's once the text is read. */
static int halves_runs;
static void run_backwards(void *runner, EngineJob job, void *ctx, size_t n)
{
    (void)runner;
    halves_runs++;
    for (size_t i = n; i-- > 0;)
        job(ctx, i);
}
static const EngineRunner halves = {.run = run_backwards, .parts = 2};

/* A scenario of n workloads (over 1 MB for n >= 5000), each with two mounts and an assumption
 * note (`note` when given); workload `bad_at` (if < n) gets `bad` as an extra member, or when
 * bad is NULL the tenant "nobody", which is not in the scenario; `decisions` decisions follow
 * (with none, the workloads are the last member). */
static char *big_scenario(size_t n, const char *note, size_t bad_at, const char *bad,
                          size_t decisions)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fputs("{\"breakout\": 3, \"name\": \"big\", \"tenants\": [{\"id\": \"t\", \"trust\": "
          "\"untrusted\"}],\n \"hosts\": [{\"id\": \"h\", \"os\": \"linux\"}],\n"
          " \"workloads\": [\n",
          f);
    for (size_t i = 0; i < n; i++)
        fprintf(f,
                "  {\"id\": \"w-%zu\", \"tenant\": \"%s\", \"host\": \"h\", \"isolation\": "
                "\"process\", \"account\": \"user\", \"mounts\": "
                "[{\"host_path\": \"/data/%zu\"}, {\"host_path\": \"/logs\", \"read_only\": "
                "true}], \"assumed\": [\"%s\"]%s%s}%s\n",
                i, i == bad_at && !bad ? "nobody" : "t", i, note ? note : "a note",
                i == bad_at && bad ? ", " : "", i == bad_at && bad ? bad : "",
                i + 1 < n ? "," : "");
    fputs(decisions ? " ],\n \"decisions\": [" : " ]}\n", f); /* else workloads come last */
    for (size_t i = 0; i < decisions; i++)
        fprintf(f,
                "%s\n  {\"subject\": \"path:w-%zu->host:h\", \"kind\": \"note\", \"text\": "
                "\"seen %zu\", \"author\": \"a\", \"created\": \"2026-01-01T00:00:00Z\"}",
                i ? "," : "", i, i);
    if (decisions) fputs("]}\n", f);
    fclose(f);
    return text;
}

/* Reads text in one go and in halves: the same scenario and decisions, the same error, or both
 * unsure. Returns the outcome. */
static TextOutcome halves_agree(const char *text, size_t max_values)
{
    DecisionList d1 = {0}, d2 = {0};
    char *e1 = NULL, *e2 = NULL;
    size_t len = strlen(text);
    Scenario *s1 = scenario_parse_fast(text, len, "big.json", max_values, &d1, NULL, &e1);
    Scenario *s2 = scenario_parse_fast(text, len, "big.json", max_values, &d2, &halves, &e2);
    cr_assert_eq(s1 == NULL, s2 == NULL, "one way read it, the other says: %s",
                 e1   ? e1
                 : e2 ? e2
                      : "(unsure)");
    TextOutcome o = s1 ? TEXT_READ : e1 ? TEXT_ERROR : TEXT_UNSURE;
    if (s1) {
        char *a = scenario_to_json_with_decisions(s1, &d1);
        char *b = scenario_to_json_with_decisions(s2, &d2);
        cr_assert(strcmp(a, b) == 0, "the halves read another scenario");
        free(a);
        free(b);
    } else {
        cr_assert_eq(e1 == NULL, e2 == NULL);
        if (e1) cr_assert_str_eq(e2, e1);
    }
    scenario_free(s1);
    scenario_free(s2);
    decision_list_done(&d1);
    decision_list_done(&d2);
    free(e1);
    free(e2);
    return o;
}

/* halves_agree(text, max_values), which must give want; returns how many times the halves'
 * runner ran (the halves' split, then scenario_validate's checks once the text is read). */
static int runner_runs(const char *text, size_t max_values, TextOutcome want)
{
    halves_runs = 0;
    cr_assert_eq(halves_agree(text, max_values), want);
    return halves_runs;
}

Test(scenario_json, text_mode_reads_a_large_workloads_array_in_halves_as_in_one_go)
{
    char *t = big_scenario(6000, NULL, SIZE_MAX, NULL, 3);
    cr_assert_gt(strlen(t), (size_t)1 << 20);
    cr_assert_eq(runner_runs(t, 0, TEXT_READ), 2, "the workloads were not read in halves");
    DecisionList d = {0};
    char *err = NULL;
    Scenario *s = scenario_parse_fast(t, strlen(t), "big.json", 0, &d, &halves, &err);
    cr_assert_eq(s->n_workloads, 6000);
    cr_assert_str_eq(s->workloads[5999].id, "w-5999");
    cr_assert_eq(s->workloads[3001].n_mounts, 2);
    cr_assert_eq(d.n, 3);
    scenario_free(s);
    decision_list_done(&d);
    free(t);

    /* a small file is read in one go */
    t = big_scenario(10, NULL, SIZE_MAX, NULL, 0);
    cr_assert_eq(runner_runs(t, 0, TEXT_READ), 1); /* scenario_validate's only */
    free(t);
}

Test(scenario_json, text_mode_halves_are_not_fooled_by_strings_mounts_or_decisions)
{
    /* every note looks like the boundary between two workloads */
    char *t = big_scenario(6000, "}, {\\\"id\\\": \\\"fake\\\"}, {", SIZE_MAX, NULL, 0);
    cr_assert_eq(halves_agree(t, 0), TEXT_READ);
    free(t);
    /* the decisions after the workloads are most of the text: the middle is among them, and
     * no decision reads as a workload, so the workloads are read in one go */
    t = big_scenario(50, NULL, SIZE_MAX, NULL, 12000);
    cr_assert_eq(runner_runs(t, 0, TEXT_READ), 1); /* scenario_validate's only */
    free(t);
}

Test(scenario_json, text_mode_halves_tell_errors_as_in_one_go)
{
    /* an error in the second half: the same message, with the workload's own index */
    char *t = big_scenario(6000, NULL, 4500, NULL, 0);
    cr_assert_eq(halves_agree(t, 0), TEXT_ERROR);
    DecisionList d = {0};
    char *err = NULL;
    halves_runs = 0;
    cr_assert_null(scenario_parse_fast(t, strlen(t), "big.json", 0, &d, &halves, &err));
    cr_assert_eq(halves_runs, 2); /* the halves', then scenario_validate's */
    cr_assert_not_null(strstr(err, "workloads[4500].tenant"), "%s", err);
    free(err);
    free(t);
    /* and in the first half */
    t = big_scenario(6000, NULL, 1000, NULL, 0);
    cr_assert_eq(halves_agree(t, 0), TEXT_ERROR);
    free(t);
    /* what only the strict check and the tree reader say (a repeated key, a wrong type) is left
     * to them either way */
    t = big_scenario(6000, NULL, 5000, "\"id\": \"again\"", 0);
    cr_assert_eq(halves_agree(t, 0), TEXT_UNSURE);
    free(t);
    t = big_scenario(6000, NULL, 4500, "\"privileged\": \"yes\"", 0);
    cr_assert_eq(halves_agree(t, 0), TEXT_UNSURE);
    free(t);
    /* the value limit, passed only once both halves are counted */
    t = big_scenario(6000, NULL, SIZE_MAX, NULL, 0);
    size_t values = 0;
    for (;; values += 1000) /* the fewest values (to 1000) that read it */
        if (halves_agree(t, values + 1000) == TEXT_READ) break;
    cr_assert_gt(values, 50000u);
    /* over by under 1000: in the second half; the halves' run only (nothing to validate) */
    cr_assert_eq(runner_runs(t, values, TEXT_UNSURE), 1);
    free(t);
}

Test(scenario_json, text_mode_reads_decisions)
{
    static const char v3[] =
        "{\"breakout\": 3, \"name\": \"x\", \"tenants\": [], \"hosts\": [], \"workloads\": [],\n"
        " \"decisions\": [{\"subject\": \"path:w->host:h\", \"kind\": \"note\", \"text\": \"t\","
        " \"author\": \"a\", \"created\": \"2026-01-01T00:00:00Z\"},\n"
        " {\"subject\": \"boundary:w:isolation\", \"kind\": \"accept\", \"text\": \"fine\","
        " \"owner\": \"o\", \"review_date\": \"2027-03-31\", \"author\": \"a\","
        " \"created\": \"2026-01-02T00:00:00Z\"}]}";
    cr_assert_eq(both_ways(v3), TEXT_READ);
    DecisionList l = {0};
    char *err = NULL;
    Scenario *s = scenario_parse_fast(v3, strlen(v3), "v3.json", 0, &l, NULL, &err);
    cr_assert_not_null(s);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.items[1].owner, "o");
    scenario_free(s);
    decision_list_done(&l);
}

/* The minimal valid scenario of text mode's syntax tests, with a hole for one member. */
#define SYNTAX_BASE "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], %s}"

Test(scenario_json, text_mode_reads_no_invalid_json)
{
    /* each is one change to a valid scenario that makes it invalid JSON */
    static const char *const bad[] = {
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [],}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [] x",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}\"",
        "{\"breakout\": 1 \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\" 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1x, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 01, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [],"
        " \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\\x\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\\u00\", \"tenants\": [], \"hosts\": [], \"workloads\": "
        "[]}",
        "{\"breakout\": 1, \"name\": \"n\\u0000\", \"tenants\": [], \"hosts\": [],"
        " \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"\\ud800\", \"tenants\": [], \"hosts\": [], \"workloads\": "
        "[]}",
        "{\"breakout\": 1, \"name\": \"\xff\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"\xc3\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"a\tb\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"a\nb\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"na\\qme\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [{\"id\": \"h\","
        " \"os\": \"linux\", \"ssh\": tru}], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [{\"id\": \"h\","
        " \"os\": \"linux\", \"ssh\": truex}], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [{\"id\": \"h\","
        " \"os\": \"linux\", \"ssh\": false,}], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [,], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [],"
        " \"description\": \"a\" \"b\"}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []\f}",
        "{\"breakout\": 1,\v\"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *err = NULL;
        cr_assert_not(json_strict_check(bad[i], strlen(bad[i]), "s.json", &err), "%s", bad[i]);
        free(err);
        cr_assert_eq(both_ways(bad[i]), TEXT_UNSURE, "%s", bad[i]);
    }
    /* a NUL byte inside the text */
    static const char nul[] =
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}\0 ";
    cr_assert_eq(both_ways_max(nul, sizeof nul - 1, "s.json", 0), TEXT_UNSURE);
    static const char nul_in_string[] =
        "{\"breakout\": 1, \"name\": \"n\0\", \"tenants\": [], \"hosts\": [], \"workloads\": []}";
    cr_assert_eq(both_ways_max(nul_in_string, sizeof nul_in_string - 1, "s.json", 0), TEXT_UNSURE);
}

/* The smallest limit on values that the strict check lets text through with. */
static size_t values_needed(const char *text)
{
    for (size_t max = 1;; max++) {
        char *err = NULL;
        cJSON *root = json_parse_strict_max(text, strlen(text), "s.json", max, &err);
        if (root) {
            cJSON_Delete(root);
            return max;
        }
        cr_assert(strstr(err, ": more than "), "%s", err);
        free(err);
    }
}

Test(scenario_json, text_mode_keeps_the_limits)
{
    static const char *const texts[] = {
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [{\"id\": \"a\","
        " \"os\": \"linux\", \"users\": [{\"name\": \"u\"}]}], \"workloads\": []}",
        "{\"breakout\": 2, \"name\": \"n\", \"tenants\": [{\"id\": \"t\", \"trust\": \"trusted\"}],"
        " \"hosts\": [{\"id\": \"h\", \"os\": \"linux\"}], \"workloads\": [{\"id\": \"w\","
        " \"tenant\": \"t\", \"host\": \"h\", \"isolation\": \"host\", \"account\": \"user\","
        " \"hardening\": [\"a\", \"b\"], \"mounts\": [{\"host_path\": \"/\"}]}]}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t need = values_needed(texts[i]);
        cr_assert_gt(need, 10);
        cr_assert_eq(both_ways_max(texts[i], strlen(texts[i]), "s.json", need - 1), TEXT_UNSURE,
                     "%s", texts[i]);
        cr_assert_eq(both_ways_max(texts[i], strlen(texts[i]), "s.json", need), TEXT_READ, "%s",
                     texts[i]);
    }
    /* a string over the length limit */
    size_t big = JSON_STRICT_MAX_STRING + 1;
    char *name = xmalloc(big + 1);
    memset(name, 'x', big);
    name[big] = '\0';
    char *long_name = xasprintf(SYNTAX_BASE, "\"workloads\": [], \"description\": \"");
    char *t = xasprintf("%s%s\"}", long_name, name);
    cr_assert_eq(both_ways(t), TEXT_UNSURE);
    free(t);
    free(long_name);
    free(name);
}

Test(scenario_json, text_mode_leaves_what_is_wrong_or_unusual_to_the_tree)
{
    /* a version written otherwise than 1, 2 or 3: the tree reads it */
    static const char *const versions[] = {"1.0", "2e0", "30e-1", "1.00000000000000000001"};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        char *text = xasprintf("{\"breakout\": %s, \"name\": \"n\", \"tenants\": [], "
                               "\"hosts\": [], \"workloads\": []}",
                               versions[i]);
        cr_assert_eq(both_ways(text), TEXT_UNSURE, "%s", text);
        char *err = NULL;
        Scenario *s = parse(text, &err);
        cr_assert_not_null(s, "%s: %s", text, err);
        scenario_free(s);
        free(text);
    }
    /* a key written longer than any key of the format, escapes and all */
    cr_assert_eq(
        both_ways("{\"breakout\": 1, \"\\u006e\\u0061\\u006d\\u0065\\u006e\\u0061\": \"n\","
                  " \"tenants\": [], \"hosts\": [], \"workloads\": []}"),
        TEXT_UNSURE);
    cr_assert_eq(
        both_ways("{\"breakout\": 1, \"\\u006e\\u0061\\u006d\\u0065\\u0020\\u0020\": \"n\","
                  " \"tenants\": [], \"hosts\": [], \"workloads\": []}"),
        TEXT_UNSURE);
    /* content errors */
    static const char *const wrong[] = {
        "[]",
        "{\"name\": \"n\"}",
        "{\"breakout\": 4, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"\", \"tenants\": [], \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": {}, \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [],"
        " \"host_pid\": true}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [{\"id\": \"t\", \"trust\": \"maybe\"}],"
        " \"hosts\": [], \"workloads\": []}",
        "{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [{\"id\": \"h\","
        " \"os\": \"linux\", \"ssh\": null}], \"workloads\": []}",
        "{\"breakout\": 2, \"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": "
        "[{\"id\":"
        " \"w\", \"tenant\": \"t\", \"host\": \"h\", \"isolation\": \"host\", \"account\": "
        "\"user\","
        " \"capabilities\": [\"SYS ADMIN\"]}]}",
        "{\"breakout\": 3, \"name\": \"x\", \"tenants\": [], \"hosts\": [], \"workloads\": [],"
        " \"decisions\": [{\"subject\": \"boundary:w:isolation\", \"kind\": \"accept\","
        " \"text\": \"fine\", \"author\": \"a\", \"created\": \"2026-01-01T00:00:00Z\"}]}",
    };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++)
        cr_assert_eq(both_ways(wrong[i]), TEXT_UNSURE, "%s", wrong[i]);
}

Test(scenario_json, text_mode_reports_what_scenario_validate_finds)
{
    cr_assert_eq(both_ways("{\"breakout\": 1, \"name\": \"n\", \"tenants\": [{\"id\": \"t\","
                           " \"trust\": \"trusted\"}, {\"id\": \"t\", \"trust\": \"trusted\"}],"
                           " \"hosts\": [], \"workloads\": []}"),
                 TEXT_ERROR);
    cr_assert_eq(both_ways("{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [],\n"
                           " \"workloads\": [{\"id\": \"w\", \"tenant\": \"t\", \"host\": \"h\","
                           " \"isolation\": \"process\", \"account\": \"user\"}]}"),
                 TEXT_ERROR);
    /* but not when the JSON is wrong after it: the syntax error comes first */
    cr_assert_eq(both_ways("{\"breakout\": 1, \"name\": \"n\", \"tenants\": [], \"hosts\": [],\n"
                           " \"workloads\": [{\"id\": \"w\", \"tenant\": \"t\", \"host\": \"h\","
                           " \"isolation\": \"process\", \"account\": \"user\"}]} ]"),
                 TEXT_UNSURE);
}

Test(scenario_json, text_mode_checks_the_version_against_keys_read_before_it)
{
    cr_assert_eq(
        both_ways("{\"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [{\"id\":"
                  " \"w\", \"tenant\": \"t\", \"host\": \"h\", \"isolation\": \"host\","
                  " \"account\": \"user\", \"host_pid\": true}], \"breakout\": 1}"),
        TEXT_UNSURE);
    cr_assert_eq(both_ways("{\"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [],"
                           " \"decisions\": [], \"breakout\": 2}"),
                 TEXT_UNSURE);
    cr_assert_eq(both_ways("{\"name\": \"n\", \"tenants\": [], \"hosts\": [], \"workloads\": [],"
                           " \"decisions\": [], \"breakout\": 3}"),
                 TEXT_READ);
}
