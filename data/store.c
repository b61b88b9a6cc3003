/* The SQLite workspace (store.h): checking a file before touching it, creating and seeding,
 * schema migrations, and scenarios saved and loaded relationally in single transactions. */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "embedded.h"
#include "scenario_json.h"
#include "store_int.h"
#include "xalloc.h"

#define BUSY_TIMEOUT_MS 2000

/* ---- The schema: one migration per version, never edited once released. ---- */

static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 0 -> 1: the scenario format 1. */
    "CREATE TABLE scenario ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " description TEXT,"
    " kernel_exploit INTEGER NOT NULL CHECK (kernel_exploit IN (0, 1)),"
    " hypervisor_exploit INTEGER NOT NULL CHECK (hypervisor_exploit IN (0, 1)),"
    " sandbox_exploit INTEGER NOT NULL CHECK (sandbox_exploit IN (0, 1)),"
    " created TEXT NOT NULL,"
    " updated TEXT NOT NULL);"
    "CREATE TABLE tenant ("
    " id INTEGER PRIMARY KEY,"
    " scenario_id INTEGER NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " ident TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " trust TEXT NOT NULL CHECK (trust IN ('trusted', 'untrusted')),"
    " UNIQUE (scenario_id, position),"
    " UNIQUE (scenario_id, ident));"
    "CREATE TABLE host ("
    " id INTEGER PRIMARY KEY,"
    " scenario_id INTEGER NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " ident TEXT NOT NULL,"
    " os TEXT NOT NULL CHECK (os IN ('windows', 'linux')),"
    " ssh INTEGER NOT NULL CHECK (ssh IN (0, 1)),"
    " UNIQUE (scenario_id, position),"
    " UNIQUE (scenario_id, ident));"
    "CREATE TABLE host_user ("
    " host_id INTEGER NOT NULL REFERENCES host (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " admin INTEGER NOT NULL CHECK (admin IN (0, 1)),"
    " PRIMARY KEY (host_id, position),"
    " UNIQUE (host_id, name)) WITHOUT ROWID;"
    "CREATE TABLE workload ("
    " id INTEGER PRIMARY KEY,"
    " scenario_id INTEGER NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " ident TEXT NOT NULL,"
    " tenant TEXT NOT NULL,"
    " host TEXT NOT NULL,"
    " isolation TEXT NOT NULL CHECK (isolation IN ('process', 'hyperv', 'sandbox', 'host')),"
    " account TEXT NOT NULL CHECK (account IN ('admin', 'user')),"
    " privileged INTEGER NOT NULL CHECK (privileged IN (0, 1)),"
    " compromised INTEGER NOT NULL CHECK (compromised IN (0, 1)),"
    " UNIQUE (scenario_id, position),"
    " UNIQUE (scenario_id, ident),"
    " FOREIGN KEY (scenario_id, tenant) REFERENCES tenant (scenario_id, ident)"
    "  ON DELETE CASCADE ON UPDATE CASCADE,"
    " FOREIGN KEY (scenario_id, host) REFERENCES host (scenario_id, ident)"
    "  ON DELETE CASCADE ON UPDATE CASCADE);"
    "CREATE INDEX workload_tenant ON workload (scenario_id, tenant);"
    "CREATE INDEX workload_host ON workload (scenario_id, host);"
    "CREATE TABLE mount ("
    " workload_id INTEGER NOT NULL REFERENCES workload (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " host_path TEXT NOT NULL,"
    " path TEXT,"
    " read_only INTEGER NOT NULL CHECK (read_only IN (0, 1)),"
    " PRIMARY KEY (workload_id, position)) WITHOUT ROWID;"
    "CREATE TABLE workload_hardening ("
    " workload_id INTEGER NOT NULL REFERENCES workload (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " PRIMARY KEY (workload_id, position)) WITHOUT ROWID;"
    "PRAGMA application_id = 1112689487;"
    "PRAGMA user_version = 1;",

    /* 1 -> 2: the scenario format 2 (host namespaces, added capabilities, importer notes). */
    "ALTER TABLE workload ADD COLUMN host_pid INTEGER NOT NULL DEFAULT 0"
    " CHECK (host_pid IN (0, 1));"
    "ALTER TABLE workload ADD COLUMN host_network INTEGER NOT NULL DEFAULT 0"
    " CHECK (host_network IN (0, 1));"
    "ALTER TABLE workload ADD COLUMN host_ipc INTEGER NOT NULL DEFAULT 0"
    " CHECK (host_ipc IN (0, 1));"
    "CREATE TABLE workload_capability ("
    " workload_id INTEGER NOT NULL REFERENCES workload (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " PRIMARY KEY (workload_id, position)) WITHOUT ROWID;"
    "CREATE TABLE workload_note ("
    " workload_id INTEGER NOT NULL REFERENCES workload (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " note TEXT NOT NULL,"
    " PRIMARY KEY (workload_id, position)) WITHOUT ROWID;"
    "PRAGMA user_version = 2;",

    /* 2 -> 3: the history of edits, for undo and redo across restarts. */
    "CREATE TABLE edit ("
    " id INTEGER PRIMARY KEY,"
    " scenario_id INTEGER NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('tenant', 'host', 'workload', 'settings')),"
    " label TEXT NOT NULL,"
    " position INTEGER NOT NULL,"
    " slot INTEGER,"
    " before_json TEXT,"
    " after_json TEXT,"
    " undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),"
    " created TEXT NOT NULL,"
    " CHECK (before_json IS NOT NULL OR after_json IS NOT NULL),"
    " UNIQUE (scenario_id, seq));"
    "CREATE INDEX edit_undone ON edit (scenario_id, undone, seq);"
    "PRAGMA user_version = 3;",

    /* 3 -> 4: lessons (each learner's place and answers) and the workshop record (decisions
     * on boundaries, paths, findings and fixes, and the minutes handed out). */
    "CREATE TABLE learner_lesson ("
    " learner TEXT NOT NULL,"
    " lesson TEXT NOT NULL,"
    " step INTEGER NOT NULL DEFAULT 0,"
    " finished INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),"
    " updated TEXT NOT NULL,"
    " PRIMARY KEY (learner, lesson)) WITHOUT ROWID;"
    "CREATE TABLE learner_answer ("
    " id INTEGER PRIMARY KEY,"
    " learner TEXT NOT NULL,"
    " lesson TEXT NOT NULL,"
    " step INTEGER NOT NULL,"
    " answer TEXT NOT NULL,"
    " correct INTEGER NOT NULL CHECK (correct IN (0, 1)),"
    " created TEXT NOT NULL);"
    "CREATE INDEX learner_answer_by_lesson ON learner_answer (learner, lesson, step);"
    "CREATE TABLE decision ("
    " id INTEGER PRIMARY KEY,"
    " scenario_id INTEGER NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,"
    " subject TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('accept', 'fix', 'dispute', 'note')),"
    " text TEXT,"
    " owner TEXT,"
    " review_date TEXT,"
    " due_date TEXT,"
    " author TEXT NOT NULL,"
    " created TEXT NOT NULL,"
    " replaces INTEGER REFERENCES decision (id));"
    "CREATE INDEX decision_by_subject ON decision (scenario_id, subject, id);"
    "CREATE TABLE minutes ("
    " id INTEGER PRIMARY KEY,"
    " scenario_id INTEGER NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,"
    " author TEXT NOT NULL,"
    " created TEXT NOT NULL,"
    " scenario_json TEXT NOT NULL,"
    " analysis_json TEXT);"
    "PRAGMA user_version = 4;",
};

/* The tables each schema version has, ending with NULL: a file with our application id
 * that lacks one is damaged. */
static const char *const tables_v1[] = {
    "scenario", "tenant", "host", "host_user", "workload", "mount", "workload_hardening", NULL,
};
static const char *const tables_v2[] = {"workload_capability", "workload_note", NULL};
static const char *const tables_v3[] = {"edit", NULL};
static const char *const tables_v4[] = {"learner_lesson", "learner_answer", "decision", "minutes",
                                        NULL};
static const char *const *const tables_added[STORE_SCHEMA_VERSION] = {tables_v1, tables_v2,
                                                                      tables_v3, tables_v4};

bool store_migrate(sqlite3 *db, int from, int to, char **err)
{
    assert(0 <= from && from <= to && to <= STORE_SCHEMA_VERSION);
    for (int v = from; v < to; v++) {
        char *msg = NULL;
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
            *err = xstrdup(msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            return false;
        }
    }
    return true;
}

/* ---- Statements: prepared once per connection and reused. ---- */

enum {
    Q_SCENARIO_GET,
    Q_SCENARIO_INSERT,
    Q_SCENARIO_UPDATE,
    Q_SCENARIO_DELETE,
    Q_CLEAR_WORKLOADS,
    Q_CLEAR_TENANTS,
    Q_CLEAR_HOSTS,
    Q_LIST,
    Q_TENANT_INSERT,
    Q_HOST_INSERT,
    Q_HOST_USER_INSERT,
    Q_WORKLOAD_INSERT,
    Q_MOUNT_INSERT,
    Q_HARDENING_INSERT,
    Q_CAPABILITY_INSERT,
    Q_NOTE_INSERT,
    Q_TENANT_SELECT,
    Q_HOST_SELECT,
    Q_HOST_USER_SELECT,
    Q_WORKLOAD_SELECT,
    Q_MOUNT_SELECT,
    Q_HARDENING_SELECT,
    Q_CAPABILITY_SELECT,
    Q_NOTE_SELECT,
    Q_SCENARIO_ID,
    Q_SCENARIO_TOUCH,
    Q_SCENARIO_RENAME,
    Q_TENANT_FIND, /* FIND, NEXT, COUNT, USED, DELETE: per kind, in EditKind order */
    Q_HOST_FIND,
    Q_WORKLOAD_FIND,
    Q_TENANT_NEXT,
    Q_HOST_NEXT,
    Q_WORKLOAD_NEXT,
    Q_TENANT_COUNT,
    Q_HOST_COUNT,
    Q_WORKLOAD_COUNT,
    Q_TENANT_USED,
    Q_HOST_USED,
    Q_TENANT_DELETE,
    Q_HOST_DELETE,
    Q_WORKLOAD_DELETE,
    Q_TENANT_UPDATE,
    Q_HOST_UPDATE,
    Q_HOST_USERS_CLEAR,
    Q_EDIT_DROP_UNDONE,
    Q_EDIT_LAST_SEQ,
    Q_EDIT_INSERT,
    Q_EDIT_LAST_DONE,
    Q_EDIT_FIRST_UNDONE,
    Q_EDIT_MARK,
    Q_EDIT_CLEAR,
    Q_HISTORY,
    Q_COUNT
};

#define NOW          "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#define FIND(table)  "SELECT id, position FROM " table " WHERE scenario_id = ?1 AND ident = ?2"
#define NEXT(table)  "SELECT max(position) FROM " table " WHERE scenario_id = ?1"
#define COUNT(table) "SELECT count(*) FROM " table " WHERE scenario_id = ?1"
#define USED(column) "SELECT ident FROM workload WHERE scenario_id = ?1 AND " column " = ?2 LIMIT 1"
#define EDIT_ROW     "SELECT id, kind, label, position, slot, before_json, after_json FROM edit"
#define CHILDREN_OF_WORKLOADS(table, cols)                                                         \
    "SELECT c.workload_id, " cols " FROM " table " c JOIN workload w ON w.id = c.workload_id"      \
    " WHERE w.scenario_id = ?1 ORDER BY w.position, c.position"

static const char *const queries[Q_COUNT] = {
    [Q_SCENARIO_GET] = "SELECT id, description, kernel_exploit, hypervisor_exploit,"
                       " sandbox_exploit FROM scenario WHERE name = ?1",
    [Q_SCENARIO_INSERT] = "INSERT INTO scenario (name, description, kernel_exploit,"
                          " hypervisor_exploit, sandbox_exploit, created, updated)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, " NOW ", " NOW ")",
    [Q_SCENARIO_UPDATE] =
        "UPDATE scenario SET description = ?2, kernel_exploit = ?3,"
        " hypervisor_exploit = ?4, sandbox_exploit = ?5, updated = " NOW " WHERE id = ?1",
    [Q_SCENARIO_DELETE] = "DELETE FROM scenario WHERE name = ?1",
    [Q_CLEAR_WORKLOADS] = "DELETE FROM workload WHERE scenario_id = ?1",
    [Q_CLEAR_TENANTS] = "DELETE FROM tenant WHERE scenario_id = ?1",
    [Q_CLEAR_HOSTS] = "DELETE FROM host WHERE scenario_id = ?1",
    [Q_LIST] = "SELECT s.name, s.description,"
               " (SELECT count(*) FROM tenant t WHERE t.scenario_id = s.id),"
               " (SELECT count(*) FROM host h WHERE h.scenario_id = s.id),"
               " (SELECT count(*) FROM workload w WHERE w.scenario_id = s.id)"
               " FROM scenario s ORDER BY s.name COLLATE NOCASE, s.name",
    [Q_TENANT_INSERT] = "INSERT INTO tenant (scenario_id, position, ident, name, trust)"
                        " VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_HOST_INSERT] = "INSERT INTO host (scenario_id, position, ident, os, ssh)"
                      " VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_HOST_USER_INSERT] = "INSERT INTO host_user (host_id, position, name, admin)"
                           " VALUES (?1, ?2, ?3, ?4)",
    [Q_WORKLOAD_INSERT] = "INSERT INTO workload (scenario_id, position, ident, tenant, host,"
                          " isolation, account, privileged, compromised, host_pid, host_network,"
                          " host_ipc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [Q_MOUNT_INSERT] = "INSERT INTO mount (workload_id, position, host_path, path, read_only)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_HARDENING_INSERT] = "INSERT INTO workload_hardening (workload_id, position, name)"
                           " VALUES (?1, ?2, ?3)",
    [Q_CAPABILITY_INSERT] = "INSERT INTO workload_capability (workload_id, position, name)"
                            " VALUES (?1, ?2, ?3)",
    [Q_NOTE_INSERT] = "INSERT INTO workload_note (workload_id, position, note)"
                      " VALUES (?1, ?2, ?3)",
    [Q_TENANT_SELECT] = "SELECT ident, name, trust FROM tenant WHERE scenario_id = ?1"
                        " ORDER BY position",
    [Q_HOST_SELECT] = "SELECT id, ident, os, ssh FROM host WHERE scenario_id = ?1"
                      " ORDER BY position",
    [Q_HOST_USER_SELECT] = "SELECT u.host_id, u.name, u.admin FROM host_user u"
                           " JOIN host h ON h.id = u.host_id WHERE h.scenario_id = ?1"
                           " ORDER BY h.position, u.position",
    [Q_WORKLOAD_SELECT] = "SELECT id, ident, tenant, host, isolation, account, privileged,"
                          " compromised, host_pid, host_network, host_ipc FROM workload"
                          " WHERE scenario_id = ?1 ORDER BY position",
    [Q_MOUNT_SELECT] = CHILDREN_OF_WORKLOADS("mount", "c.host_path, c.path, c.read_only"),
    [Q_HARDENING_SELECT] = CHILDREN_OF_WORKLOADS("workload_hardening", "c.name"),
    [Q_CAPABILITY_SELECT] = CHILDREN_OF_WORKLOADS("workload_capability", "c.name"),
    [Q_NOTE_SELECT] = CHILDREN_OF_WORKLOADS("workload_note", "c.note"),
    [Q_SCENARIO_ID] = "SELECT id FROM scenario WHERE name = ?1",
    [Q_SCENARIO_TOUCH] = "UPDATE scenario SET updated = " NOW " WHERE id = ?1",
    [Q_SCENARIO_RENAME] = "UPDATE scenario SET name = ?2, updated = " NOW " WHERE id = ?1",
    [Q_TENANT_FIND] = FIND("tenant"),
    [Q_HOST_FIND] = FIND("host"),
    [Q_WORKLOAD_FIND] = FIND("workload"),
    [Q_TENANT_NEXT] = NEXT("tenant"),
    [Q_HOST_NEXT] = NEXT("host"),
    [Q_WORKLOAD_NEXT] = NEXT("workload"),
    [Q_TENANT_COUNT] = COUNT("tenant"),
    [Q_HOST_COUNT] = COUNT("host"),
    [Q_WORKLOAD_COUNT] = COUNT("workload"),
    [Q_TENANT_USED] = USED("tenant"),
    [Q_HOST_USED] = USED("host"),
    [Q_TENANT_DELETE] = "DELETE FROM tenant WHERE id = ?1",
    [Q_HOST_DELETE] = "DELETE FROM host WHERE id = ?1",
    [Q_WORKLOAD_DELETE] = "DELETE FROM workload WHERE id = ?1",
    [Q_TENANT_UPDATE] = "UPDATE tenant SET ident = ?2, name = ?3, trust = ?4 WHERE id = ?1",
    [Q_HOST_UPDATE] = "UPDATE host SET ident = ?2, os = ?3, ssh = ?4 WHERE id = ?1",
    [Q_HOST_USERS_CLEAR] = "DELETE FROM host_user WHERE host_id = ?1",
    [Q_EDIT_DROP_UNDONE] = "DELETE FROM edit WHERE scenario_id = ?1 AND undone = 1",
    [Q_EDIT_LAST_SEQ] = "SELECT max(seq) FROM edit WHERE scenario_id = ?1",
    [Q_EDIT_INSERT] = "INSERT INTO edit (scenario_id, seq, kind, label, position, slot,"
                      " before_json, after_json, undone, created)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, " NOW ")",
    [Q_EDIT_LAST_DONE] =
        EDIT_ROW " WHERE scenario_id = ?1 AND undone = 0 ORDER BY seq DESC LIMIT 1",
    [Q_EDIT_FIRST_UNDONE] = EDIT_ROW " WHERE scenario_id = ?1 AND undone = 1 ORDER BY seq LIMIT 1",
    [Q_EDIT_MARK] = "UPDATE edit SET undone = ?2 WHERE id = ?1",
    [Q_EDIT_CLEAR] = "DELETE FROM edit WHERE scenario_id = ?1",
    [Q_HISTORY] = "SELECT seq, kind, label, created, undone FROM edit WHERE scenario_id = ?1"
                  " ORDER BY seq",
};

struct Store {
    sqlite3 *db;
    char *path;  /* as given */
    char *shown; /* the path as messages show it (control characters escaped) */
    bool created;
    sqlite3_stmt *stmts[Q_COUNT]; /* prepared on first use */
};

/* ---- Messages ---- */

/* Returns an owned copy of s with control characters (C0, DEL, C1) escaped as \n, \t or
 * \u00XX, and, when quote is set, `"` and `\` escaped and the whole in double quotes: user
 * strings in messages cannot move the cursor or break the one-line rule. */
static char *escape_text(const char *s, bool quote)
{
    size_t cap = strlen(s) * 6 + 3, n = 0;
    char *out = xmalloc(cap);
    if (quote) out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) { /* a C1 control in UTF-8 */
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", *++p);
        } else if (c == '\n') {
            memcpy(out + n, "\\n", 2);
            n += 2;
        } else if (c == '\t') {
            memcpy(out + n, "\\t", 2);
            n += 2;
        } else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else if (quote && (c == '"' || c == '\\')) {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else {
            out[n++] = (char)c;
        }
    }
    if (quote) out[n++] = '"';
    out[n] = '\0';
    return out;
}

static char *no_such_scenario(const char *name)
{
    char *q = escape_text(name, true);
    char *msg = xasprintf("no scenario named %s in the workspace", q);
    free(q);
    return msg;
}

static char *busy_message(const char *shown)
{
    return xasprintf("workspace %s is busy (another breakout is writing to it)", shown);
}

/* The message for the last failure on st's connection while doing what (e.g. `cannot save
 * "X"`): owned. */
static char *db_error(const Store *st, const char *what)
{
    int rc = sqlite3_errcode(st->db) & 0xff;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return busy_message(st->shown);
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
        return xasprintf("%s: %s: the workspace is damaged (%s)", st->shown, what,
                         sqlite3_errmsg(st->db));
    int sys = sqlite3_system_errno(st->db);
    if ((rc == SQLITE_IOERR || rc == SQLITE_FULL || rc == SQLITE_CANTOPEN) && sys != 0)
        return xasprintf("%s: %s: %s (%s)", st->shown, what, sqlite3_errmsg(st->db), strerror(sys));
    return xasprintf("%s: %s: %s", st->shown, what, sqlite3_errmsg(st->db));
}

/* ---- Statements and transactions ---- */

/* The cached statement q, prepared on first use (reset and unbound by its last user). */
static sqlite3_stmt *stmt(Store *st, int q)
{
    if (!st->stmts[q]) {
        int rc = sqlite3_prepare_v3(st->db, queries[q], -1, SQLITE_PREPARE_PERSISTENT,
                                    &st->stmts[q], NULL);
        if (rc != SQLITE_OK) return NULL;
    }
    return st->stmts[q];
}

static void stmt_done(sqlite3_stmt *s)
{
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
}

static void bind_text(sqlite3_stmt *s, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Steps s, which must finish (an INSERT, UPDATE or DELETE), then resets and unbinds it.
 * On failure the error stays on the connection (sqlite3_reset hands it over) for db_error. */
static bool run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    stmt_done(s);
    return rc == SQLITE_DONE;
}

static bool tx_exec(Store *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Begins a write transaction (BEGIN IMMEDIATE: waits up to the busy timeout for another
 * writer) or, when write is false, a read transaction that sees one snapshot. */
static bool tx_begin(Store *st, bool write, const char *what, char **err)
{
    if (tx_exec(st, write ? "BEGIN IMMEDIATE" : "BEGIN")) return true;
    *err = db_error(st, what);
    return false;
}

static void tx_rollback(Store *st)
{
    if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool tx_commit(Store *st, const char *what, char **err)
{
    if (tx_exec(st, "COMMIT")) return true;
    *err = db_error(st, what);
    tx_rollback(st);
    return false;
}

/* ---- Checking a file before SQLite may write to it ---- */

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static char *not_a_workspace(const char *shown, const char *why)
{
    return xasprintf("%s: not a breakout workspace (%s)", shown, why);
}

static char *newer_version(const char *shown, long version)
{
    return xasprintf("%s: workspace schema version %ld is newer than this breakout supports (%d)",
                     shown, version, STORE_SCHEMA_VERSION);
}

/* Size of path's -wal file, 0 when there is none. */
static off_t wal_size(const char *path)
{
    char *wal = xasprintf("%s-wal", path);
    struct stat sb;
    off_t size = stat(wal, &sb) == 0 ? (sb.st_size > 0 ? sb.st_size : 0) : 0;
    free(wal);
    return size;
}

/* Reads the database header of path with plain read(2): the file must be a regular file
 * holding an SQLite database with our application id, a schema version we know, and (unless
 * a write-ahead log may still complete it) every page its header promises. Sets *has_wal. */
static bool check_header(const char *path, const char *shown, bool *has_wal, char **err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            *err = xasprintf("%s: no such file", shown);
        else
            *err = xasprintf("%s: cannot open the workspace: %s", shown, strerror(errno));
        return false;
    }
    struct stat sb;
    unsigned char h[100];
    ssize_t got = 0;
    bool ok = fstat(fd, &sb) == 0;
    if (ok && S_ISREG(sb.st_mode) && sb.st_size >= (off_t)sizeof h) got = read(fd, h, sizeof h);
    int saved = errno;
    close(fd);
    if (!ok || got < 0) {
        *err = xasprintf("%s: cannot open the workspace: %s", shown, strerror(saved));
        return false;
    }
    if (S_ISDIR(sb.st_mode)) {
        *err = not_a_workspace(shown, "a directory");
        return false;
    }
    if (!S_ISREG(sb.st_mode)) {
        *err = not_a_workspace(shown, "not a regular file");
        return false;
    }
    if (sb.st_size == 0) {
        *err = not_a_workspace(shown, "empty file");
        return false;
    }
    if (got < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0) {
        *err = not_a_workspace(shown, "not an SQLite database");
        return false;
    }
    if (be32(h + 68) != STORE_APPLICATION_ID) {
        *err = not_a_workspace(shown, "an SQLite database of another application");
        return false;
    }
    uint32_t version = be32(h + 60);
    if (version > STORE_SCHEMA_VERSION) {
        *err = newer_version(shown, (long)version);
        return false;
    }
    unsigned page = be16(h + 16) == 1 ? 65536 : be16(h + 16);
    if (page < 512 || (page & (page - 1)) != 0) {
        *err = not_a_workspace(shown, "damaged header");
        return false;
    }
    *has_wal = wal_size(path) > 0;
    /* The page count at offset 28 is valid when the change counter (24) matches 92. A
     * checkpoint interrupted by a crash may leave the file short with the log holding the
     * rest, so a file with a non-empty -wal is left to SQLite's recovery. */
    uint32_t pages = be32(h + 28);
    if (!*has_wal && be32(h + 24) == be32(h + 92) && pages > 0 &&
        (uint64_t)sb.st_size < (uint64_t)pages * page) {
        char why[96];
        snprintf(why, sizeof why, "truncated: %lld of %llu bytes", (long long)sb.st_size,
                 (unsigned long long)pages * page);
        *err = not_a_workspace(shown, why);
        return false;
    }
    if (!*has_wal && sb.st_size % page != 0) {
        *err = not_a_workspace(shown, "truncated: not a whole number of pages");
        return false;
    }
    return true;
}

/* Returns an owned SQLite URI for path with the query (e.g. "mode=ro"): percent-encoded,
 * since this SQLite reads file names starting with "file:" as URIs. */
static char *sqlite_uri(const char *path, const char *query)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0, cap = strlen(path) * 3 + strlen(query) + 16;
    char *uri = xmalloc(cap);
    n += (size_t)snprintf(uri, cap, "file:%s", path[0] == '/' ? "//" : "");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p)) {
            uri[n++] = (char)*p;
        } else {
            uri[n++] = '%';
            uri[n++] = hex[*p >> 4];
            uri[n++] = hex[*p & 15];
        }
    }
    snprintf(uri + n, cap - n, "?%s", query);
    return uri;
}

static sqlite3 *db_open(const char *path, const char *query, int flags)
{
    char *uri = sqlite_uri(path, query);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(uri, &db, flags | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (db) {
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    }
    (void)rc; /* the caller reads the error from db */
    return db;
}

/* Runs the single-integer query sql (a constant PRAGMA) on db. */
static bool query_int(sqlite3 *db, const char *sql, long *out)
{
    sqlite3_stmt *s = NULL;
    bool ok =
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW;
    if (ok) *out = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return ok;
}

/* The message for a failure on a connection that is checking a file. */
static char *check_error(sqlite3 *db, const char *shown)
{
    int rc = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return busy_message(shown);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT || rc == SQLITE_RANGE || rc == SQLITE_FORMAT)
        return not_a_workspace(shown, sqlite3_errmsg(db));
    int sys = db ? sqlite3_system_errno(db) : 0; /* "disk I/O error" alone hides a full disk */
    if ((rc == SQLITE_IOERR || rc == SQLITE_FULL || rc == SQLITE_CANTOPEN) && sys != 0)
        return xasprintf("%s: cannot open the workspace: %s (%s)", shown, sqlite3_errmsg(db),
                         strerror(sys));
    return xasprintf("%s: cannot open the workspace: %s", shown,
                     db ? sqlite3_errmsg(db) : "out of memory");
}

/* Opens path read-only (immutable when no -wal exists: then SQLite creates nothing beside
 * it) and checks the application id, the schema version and that every table is there. */
static bool check_schema(const char *path, const char *shown, bool has_wal, char **err)
{
    sqlite3 *db = db_open(path, has_wal ? "mode=ro" : "mode=ro&immutable=1", SQLITE_OPEN_READONLY);
    long app_id = 0, version = 0;
    char *e = NULL;
    sqlite3_stmt *s = NULL;
    if (!db || sqlite3_errcode(db) != SQLITE_OK ||
        !query_int(db, "PRAGMA application_id", &app_id) ||
        !query_int(db, "PRAGMA user_version", &version))
        e = check_error(db, shown);
    else if (app_id != STORE_APPLICATION_ID)
        e = not_a_workspace(shown, "an SQLite database of another application");
    else if (version > STORE_SCHEMA_VERSION)
        e = newer_version(shown, version);
    else if (version < 1)
        e = not_a_workspace(shown, "no schema version");
    else if (sqlite3_prepare_v2(db,
                                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                                -1, &s, NULL) != SQLITE_OK)
        e = check_error(db, shown);
    for (int v = 0; v < version && !e; v++) {
        for (const char *const *t = tables_added[v]; *t && !e; t++) {
            sqlite3_bind_text(s, 1, *t, -1, SQLITE_STATIC);
            int rc = sqlite3_step(s);
            if (rc == SQLITE_DONE) {
                char *why = xasprintf("no table %s", *t);
                e = not_a_workspace(shown, why);
                free(why);
            } else if (rc != SQLITE_ROW) {
                e = check_error(db, shown);
            }
            sqlite3_reset(s);
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    *err = e;
    return e == NULL;
}

/* ---- Loading ---- */

static const char *col_text(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

/* A scenario being loaded. Child rows (users, mounts, ...) come ordered like their parents,
 * so the parents' row ids, in list order, map them to list elements with a forward cursor. */
typedef struct {
    Store *st;
    Scenario *s;
    sqlite3_int64 sid;
    sqlite3_int64 *host_ids, *workload_ids;
    size_t cap_hosts, cap_workloads;
    size_t k;  /* the cursor of the child query running */
    char *bad; /* the damaged place, e.g. "hosts[2].os": owned */
} Loader;

/* Steps the cached query q bound to the scenario's row id, handing each row to row, until
 * the rows end or row finds damage (sets l->bad). Returns false on a database failure (the
 * error stays on the connection). */
static bool load_rows(Loader *l, int q, void (*row)(Loader *, sqlite3_stmt *))
{
    sqlite3_stmt *sq = stmt(l->st, q);
    if (!sq) return false;
    sqlite3_bind_int64(sq, 1, l->sid);
    l->k = 0;
    int rc = SQLITE_DONE;
    while (!l->bad && (rc = sqlite3_step(sq)) == SQLITE_ROW)
        row(l, sq);
    stmt_done(sq);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static void tenant_row(Loader *l, sqlite3_stmt *q)
{
    Trust trust = TRUST_TRUSTED;
    if (!trust_parse(col_text(q, 2), &trust))
        l->bad = xasprintf("tenants[%zu].trust", l->s->n_tenants);
    Tenant *t = scenario_add_tenant(l->s, col_text(q, 0), trust);
    free(t->name);
    t->name = xstrdup(col_text(q, 1));
}

static void host_row(Loader *l, sqlite3_stmt *q)
{
    Os os = OS_LINUX;
    if (!os_parse(col_text(q, 2), &os)) l->bad = xasprintf("hosts[%zu].os", l->s->n_hosts);
    xgrow((void **)&l->host_ids, &l->cap_hosts, l->s->n_hosts + 1, sizeof *l->host_ids);
    l->host_ids[l->s->n_hosts] = sqlite3_column_int64(q, 0);
    Host *h = scenario_add_host(l->s, col_text(q, 1), os);
    h->ssh = sqlite3_column_int(q, 3) != 0;
}

static void host_user_row(Loader *l, sqlite3_stmt *q)
{
    sqlite3_int64 id = sqlite3_column_int64(q, 0);
    while (l->k < l->s->n_hosts && l->host_ids[l->k] != id)
        l->k++;
    if (l->k == l->s->n_hosts)
        l->bad = xstrdup("hosts[].users");
    else
        host_add_user(&l->s->hosts[l->k], col_text(q, 1), sqlite3_column_int(q, 2) != 0);
}

static void workload_row(Loader *l, sqlite3_stmt *q)
{
    size_t i = l->s->n_workloads;
    Isolation iso = ISOLATION_PROCESS;
    Account acc = ACCOUNT_ADMIN;
    if (!isolation_parse(col_text(q, 4), &iso))
        l->bad = xasprintf("workloads[%zu].isolation", i);
    else if (!account_parse(col_text(q, 5), &acc))
        l->bad = xasprintf("workloads[%zu].account", i);
    xgrow((void **)&l->workload_ids, &l->cap_workloads, i + 1, sizeof *l->workload_ids);
    l->workload_ids[i] = sqlite3_column_int64(q, 0);
    Workload *w = scenario_add_workload(l->s, col_text(q, 1), col_text(q, 2), col_text(q, 3));
    w->isolation = iso;
    w->account = acc;
    w->privileged = sqlite3_column_int(q, 6) != 0;
    w->compromised = sqlite3_column_int(q, 7) != 0;
    w->host_namespaces = (sqlite3_column_int(q, 8) ? HOSTNS_PID : 0) |
                         (sqlite3_column_int(q, 9) ? HOSTNS_NETWORK : 0) |
                         (sqlite3_column_int(q, 10) ? HOSTNS_IPC : 0);
}

/* The workload a child row (workload row id in column 0) belongs to; NULL (and l->bad set,
 * naming list) when there is none. */
static Workload *child_workload(Loader *l, sqlite3_stmt *q, const char *list)
{
    sqlite3_int64 id = sqlite3_column_int64(q, 0);
    while (l->k < l->s->n_workloads && l->workload_ids[l->k] != id)
        l->k++;
    if (l->k < l->s->n_workloads) return &l->s->workloads[l->k];
    l->bad = xasprintf("workloads[].%s", list);
    return NULL;
}

static void mount_row(Loader *l, sqlite3_stmt *q)
{
    Workload *w = child_workload(l, q, "mounts");
    if (w)
        workload_add_mount(w, col_text(q, 1), (const char *)sqlite3_column_text(q, 2),
                           sqlite3_column_int(q, 3) != 0);
}

static void hardening_row(Loader *l, sqlite3_stmt *q)
{
    Workload *w = child_workload(l, q, "hardening");
    if (w) strlist_add(&w->hardening, col_text(q, 1));
}

static void capability_row(Loader *l, sqlite3_stmt *q)
{
    Workload *w = child_workload(l, q, "capabilities");
    if (w) strlist_add(&w->capabilities, col_text(q, 1));
}

static void note_row(Loader *l, sqlite3_stmt *q)
{
    Workload *w = child_workload(l, q, "notes");
    if (w) strlist_add(&w->notes, col_text(q, 1));
}

/* Reads the scenario row named name: true with *found, and when found its row id in *sid
 * and its description and assumptions in s. False on a database failure. */
static bool load_scenario_row(Store *st, const char *name, bool *found, sqlite3_int64 *sid,
                              Scenario *s)
{
    sqlite3_stmt *q = stmt(st, Q_SCENARIO_GET);
    if (!q) return false;
    bind_text(q, 1, name);
    int rc = sqlite3_step(q);
    *found = rc == SQLITE_ROW;
    if (*found) {
        *sid = sqlite3_column_int64(q, 0);
        s->description = xstrdup((const char *)sqlite3_column_text(q, 1));
        s->assume[ASSUME_KERNEL_EXPLOIT] = sqlite3_column_int(q, 2) != 0;
        s->assume[ASSUME_HYPERVISOR_EXPLOIT] = sqlite3_column_int(q, 3) != 0;
        s->assume[ASSUME_SANDBOX_EXPLOIT] = sqlite3_column_int(q, 4) != 0;
        rc = sqlite3_step(q); /* names are unique: this ends the statement */
    }
    stmt_done(q);
    return rc == SQLITE_DONE;
}

/* Loads the scenario named name inside the caller's transaction: sets *out to it (owned) and
 * *sid to its row id, or *out to NULL when there is none. Returns false with *err set on a
 * failure or a damaged scenario. */
static bool load_in_tx(Store *st, const char *name, Scenario **out, sqlite3_int64 *sid, char **err)
{
    *out = NULL;
    Loader l = {.st = st, .s = scenario_new(name)};
    bool found = false;
    bool ok = load_scenario_row(st, name, &found, &l.sid, l.s);
    if (ok && found)
        ok = load_rows(&l, Q_TENANT_SELECT, tenant_row) && load_rows(&l, Q_HOST_SELECT, host_row) &&
             load_rows(&l, Q_HOST_USER_SELECT, host_user_row) &&
             load_rows(&l, Q_WORKLOAD_SELECT, workload_row) &&
             load_rows(&l, Q_MOUNT_SELECT, mount_row) &&
             load_rows(&l, Q_HARDENING_SELECT, hardening_row) &&
             load_rows(&l, Q_CAPABILITY_SELECT, capability_row) &&
             load_rows(&l, Q_NOTE_SELECT, note_row);
    free(l.host_ids);
    free(l.workload_ids);
    if (!ok || l.bad) {
        char *qname = escape_text(name, true);
        if (!ok) {
            char *what = xasprintf("cannot load scenario %s", qname);
            *err = db_error(st, what);
            free(what);
        } else {
            *err = xasprintf("%s: scenario %s is damaged (%s)", st->shown, qname, l.bad);
        }
        free(qname);
        free(l.bad);
        scenario_free(l.s);
        return false;
    }
    if (!found) {
        scenario_free(l.s);
        return true;
    }
    *sid = l.sid;
    *out = l.s;
    return true;
}

/* ---- Saving ---- */

static bool save_strlist(Store *st, int q, sqlite3_int64 wid, const StrList *l)
{
    sqlite3_stmt *s = stmt(st, q);
    if (!s) return false;
    for (size_t i = 0; i < l->n; i++) {
        sqlite3_bind_int64(s, 1, wid);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, l->items[i]);
        if (!run(s)) return false;
    }
    return true;
}

/* Inserts one tenant, host (with its users) or workload (with its mounts, hardening,
 * capabilities and notes) at position pos of scenario row sid. False on a database failure
 * (the error stays on the connection). */
static bool save_tenant(Store *st, sqlite3_int64 sid, sqlite3_int64 pos, const Tenant *t)
{
    sqlite3_stmt *q = stmt(st, Q_TENANT_INSERT);
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    sqlite3_bind_int64(q, 2, pos);
    bind_text(q, 3, t->id);
    bind_text(q, 4, t->name ? t->name : t->id);
    bind_text(q, 5, trust_name(t->trust));
    return run(q);
}

/* Inserts the users of h under host row hid. */
static bool save_users(Store *st, sqlite3_int64 hid, const Host *h)
{
    sqlite3_stmt *q = stmt(st, Q_HOST_USER_INSERT);
    if (!q) return false;
    for (size_t u = 0; u < h->n_users; u++) {
        sqlite3_bind_int64(q, 1, hid);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)u);
        bind_text(q, 3, h->users[u].name);
        sqlite3_bind_int(q, 4, h->users[u].admin);
        if (!run(q)) return false;
    }
    return true;
}

static bool save_host(Store *st, sqlite3_int64 sid, sqlite3_int64 pos, const Host *h)
{
    sqlite3_stmt *q = stmt(st, Q_HOST_INSERT);
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    sqlite3_bind_int64(q, 2, pos);
    bind_text(q, 3, h->id);
    bind_text(q, 4, os_name(h->os));
    sqlite3_bind_int(q, 5, h->ssh);
    return run(q) && save_users(st, sqlite3_last_insert_rowid(st->db), h);
}

static bool save_workload(Store *st, sqlite3_int64 sid, sqlite3_int64 pos, const Workload *w)
{
    sqlite3_stmt *qw = stmt(st, Q_WORKLOAD_INSERT), *qm = stmt(st, Q_MOUNT_INSERT);
    if (!qw || !qm) return false;
    sqlite3_bind_int64(qw, 1, sid);
    sqlite3_bind_int64(qw, 2, pos);
    bind_text(qw, 3, w->id);
    bind_text(qw, 4, w->tenant);
    bind_text(qw, 5, w->host);
    bind_text(qw, 6, isolation_name(w->isolation));
    bind_text(qw, 7, account_name(w->account));
    sqlite3_bind_int(qw, 8, w->privileged);
    sqlite3_bind_int(qw, 9, w->compromised);
    sqlite3_bind_int(qw, 10, (w->host_namespaces & HOSTNS_PID) != 0);
    sqlite3_bind_int(qw, 11, (w->host_namespaces & HOSTNS_NETWORK) != 0);
    sqlite3_bind_int(qw, 12, (w->host_namespaces & HOSTNS_IPC) != 0);
    if (!run(qw)) return false;
    sqlite3_int64 wid = sqlite3_last_insert_rowid(st->db);
    for (size_t m = 0; m < w->n_mounts; m++) {
        sqlite3_bind_int64(qm, 1, wid);
        sqlite3_bind_int64(qm, 2, (sqlite3_int64)m);
        bind_text(qm, 3, w->mounts[m].host_path);
        bind_text(qm, 4, w->mounts[m].path);
        sqlite3_bind_int(qm, 5, w->mounts[m].read_only);
        if (!run(qm)) return false;
    }
    return save_strlist(st, Q_HARDENING_INSERT, wid, &w->hardening) &&
           save_strlist(st, Q_CAPABILITY_INSERT, wid, &w->capabilities) &&
           save_strlist(st, Q_NOTE_INSERT, wid, &w->notes);
}

/* Inserts the tenants, hosts and workloads of s under scenario row sid, at positions 0, 1,
 * ... False on a database failure (the error stays on the connection). */
static bool save_children(Store *st, sqlite3_int64 sid, const Scenario *s)
{
    for (size_t i = 0; i < s->n_tenants; i++)
        if (!save_tenant(st, sid, (sqlite3_int64)i, &s->tenants[i])) return false;
    for (size_t i = 0; i < s->n_hosts; i++)
        if (!save_host(st, sid, (sqlite3_int64)i, &s->hosts[i])) return false;
    for (size_t i = 0; i < s->n_workloads; i++)
        if (!save_workload(st, sid, (sqlite3_int64)i, &s->workloads[i])) return false;
    return true;
}

/* Binds the scenario row's columns ?2..?5: description and assumptions. */
static void bind_scenario_row(sqlite3_stmt *q, const Scenario *s)
{
    bind_text(q, 2, s->description);
    sqlite3_bind_int(q, 3, s->assume[ASSUME_KERNEL_EXPLOIT]);
    sqlite3_bind_int(q, 4, s->assume[ASSUME_HYPERVISOR_EXPLOIT]);
    sqlite3_bind_int(q, 5, s->assume[ASSUME_SANDBOX_EXPLOIT]);
}

/* True when the stored scenario old and s have the same canonical JSON. */
static bool same_content(const Scenario *old, const Scenario *s)
{
    char *a = scenario_to_json(old), *b = scenario_to_json(s);
    bool same = strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* Saves s inside the caller's write transaction (see store_save). Returns false with *err
 * set on failure; the caller rolls back. */
static bool save_in_tx(Store *st, const Scenario *s, bool replace, StoreSaveResult *res, char **err)
{
    assert(s && s->name);
    char *qname = escape_text(s->name, true);
    char *what = xasprintf("cannot save scenario %s", qname);
    char *verr = NULL;
    Scenario *old = NULL;
    sqlite3_int64 sid = 0;
    bool ok = false;
    if (!scenario_validate(s, &verr)) {
        *err = xasprintf("%s: %s", what, verr);
        free(verr);
    } else if (!load_in_tx(st, s->name, &old, &sid, err)) {
        /* *err is set */
    } else if (old && same_content(old, s)) {
        *res = STORE_UNCHANGED;
        ok = true;
    } else if (old && !replace) {
        *err = xasprintf("a different scenario named %s is already in the workspace"
                         " (use --replace to overwrite it)",
                         qname);
    } else if (old) {
        /* keep the row (its id and creation time); its children are written anew, and its
         * history, which no longer leads to this content, goes */
        sqlite3_stmt *u = stmt(st, Q_SCENARIO_UPDATE), *cw = stmt(st, Q_CLEAR_WORKLOADS),
                     *ct = stmt(st, Q_CLEAR_TENANTS), *ch = stmt(st, Q_CLEAR_HOSTS),
                     *ce = stmt(st, Q_EDIT_CLEAR);
        if (u && cw && ct && ch && ce) {
            sqlite3_bind_int64(u, 1, sid);
            bind_scenario_row(u, s);
            sqlite3_bind_int64(cw, 1, sid);
            sqlite3_bind_int64(ct, 1, sid);
            sqlite3_bind_int64(ch, 1, sid);
            sqlite3_bind_int64(ce, 1, sid);
            ok = run(u) && run(cw) && run(ct) && run(ch) && run(ce) && save_children(st, sid, s);
        }
        if (ok)
            *res = STORE_REPLACED;
        else
            *err = db_error(st, what);
    } else {
        sqlite3_stmt *q = stmt(st, Q_SCENARIO_INSERT);
        if (q) {
            bind_text(q, 1, s->name);
            bind_scenario_row(q, s);
            ok = run(q) && save_children(st, sqlite3_last_insert_rowid(st->db), s);
        }
        if (ok)
            *res = STORE_ADDED;
        else
            *err = db_error(st, what);
    }
    scenario_free(old);
    free(qname);
    free(what);
    return ok;
}

/* ---- The public operations ---- */

Scenario *store_load(Store *st, const char *name, char **err)
{
    assert(st && name && err);
    *err = NULL;
    if (!tx_begin(st, false, "cannot load", err)) return NULL;
    Scenario *s = NULL;
    sqlite3_int64 sid;
    bool ok = load_in_tx(st, name, &s, &sid, err);
    tx_rollback(st); /* a read transaction: nothing to keep */
    if (ok && !s) *err = no_such_scenario(name);
    return s;
}

bool store_save_many(Store *st, Scenario *const *list, size_t n, bool replace,
                     StoreSaveResult *results, char **err)
{
    assert(st && (list || n == 0) && err);
    *err = NULL;
    char *what;
    if (n == 1) {
        char *qname = escape_text(list[0]->name, true);
        what = xasprintf("cannot save scenario %s", qname);
        free(qname);
    } else {
        what = xasprintf("cannot save %zu scenarios", n);
    }
    bool ok = tx_begin(st, true, what, err);
    for (size_t i = 0; ok && i < n; i++) {
        StoreSaveResult r;
        ok = save_in_tx(st, list[i], replace, &r, err);
        if (ok && results) results[i] = r;
    }
    if (ok) ok = tx_commit(st, what, err);
    tx_rollback(st);
    free(what);
    return ok;
}

bool store_save(Store *st, const Scenario *s, bool replace, StoreSaveResult *res, char **err)
{
    Scenario *list[1] = {(Scenario *)s}; /* store_save_many does not modify them */
    StoreSaveResult r;
    if (!store_save_many(st, list, 1, replace, &r, err)) return false;
    if (res) *res = r;
    return true;
}

bool store_remove(Store *st, const char *name, char **err)
{
    assert(st && name && err);
    *err = NULL;
    char *qname = escape_text(name, true);
    char *what = xasprintf("cannot remove scenario %s", qname);
    free(qname);
    bool ok = false;
    if (!tx_begin(st, true, what, err)) goto out;
    sqlite3_stmt *q = stmt(st, Q_SCENARIO_DELETE);
    if (q) bind_text(q, 1, name);
    if (!q || !run(q)) {
        *err = db_error(st, what);
        tx_rollback(st);
        goto out;
    }
    if (sqlite3_changes(st->db) == 0) {
        *err = no_such_scenario(name);
        tx_rollback(st);
        goto out;
    }
    ok = tx_commit(st, what, err);
out:
    free(what);
    return ok;
}

bool store_list(Store *st, StoreEntry **out, size_t *n, char **err)
{
    assert(st && out && n && err);
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = stmt(st, Q_LIST);
    StoreEntry *e = NULL;
    size_t len = 0, cap = 0;
    int rc = SQLITE_ERROR;
    if (q) {
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            xgrow((void **)&e, &cap, len + 1, sizeof *e);
            e[len].name = xstrdup(col_text(q, 0));
            e[len].description = xstrdup((const char *)sqlite3_column_text(q, 1));
            e[len].tenants = (size_t)sqlite3_column_int64(q, 2);
            e[len].hosts = (size_t)sqlite3_column_int64(q, 3);
            e[len].workloads = (size_t)sqlite3_column_int64(q, 4);
            len++;
        }
    }
    if (rc != SQLITE_DONE) {
        *err = db_error(st, "cannot list the scenarios");
        stmt_done(q);
        store_entries_free(e, len);
        return false;
    }
    stmt_done(q);
    *out = e;
    *n = len;
    return true;
}

void store_entries_free(StoreEntry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(entries[i].name);
        free(entries[i].description);
    }
    free(entries);
}

/* ---- Writing in one transaction ---- */

/* The body of a write transaction: returns false with *err set (owned) to refuse or fail;
 * what names the operation for database errors. */
typedef bool (*TxBody)(Store *st, void *ctx, const char *what, char **err);

/* Runs body in one write transaction: it commits only when body succeeds. */
static bool in_write_tx(Store *st, const char *what, TxBody body, void *ctx, char **err)
{
    *err = NULL;
    bool ok = tx_begin(st, true, what, err) && body(st, ctx, what, err) && tx_commit(st, what, err);
    tx_rollback(st);
    return ok;
}

/* Sets *err to the connection's last failure while doing what; returns false. */
static bool db_fail(const Store *st, const char *what, char **err)
{
    *err = db_error(st, what);
    return false;
}

/* Steps s (bound by the caller), a query of at most one row, reading its first column as an
 * integer: *found is false when there is no row or the value is NULL. Resets s. False on a
 * database failure (the error stays on the connection). */
static bool fetch_int(sqlite3_stmt *s, bool *found, sqlite3_int64 *out)
{
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
    if (*found) *out = sqlite3_column_int64(s, 0);
    stmt_done(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The row id of the scenario named name in *sid, when *found. False on a database failure. */
static bool scenario_id(Store *st, const char *name, bool *found, sqlite3_int64 *sid)
{
    sqlite3_stmt *q = stmt(st, Q_SCENARIO_ID);
    if (!q) return false;
    bind_text(q, 1, name);
    return fetch_int(q, found, sid);
}

/* Sets the scenario row's update time. */
static bool touch(Store *st, sqlite3_int64 sid)
{
    sqlite3_stmt *q = stmt(st, Q_SCENARIO_TOUCH);
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    return run(q);
}

/* ---- Scenario management ---- */

/* Checks, inside the caller's transaction, that name is free for a new or renamed
 * scenario; false with *err set when it is not (or on a database failure). */
static bool check_free_name(Store *st, const char *name, const char *what, char **err)
{
    if (!*name) {
        *err = xstrdup("a scenario name cannot be empty");
        return false;
    }
    bool found;
    sqlite3_int64 sid;
    if (!scenario_id(st, name, &found, &sid)) return db_fail(st, what, err);
    if (found) {
        char *q = escape_text(name, true);
        *err = xasprintf("a scenario named %s is already in the workspace", q);
        free(q);
        return false;
    }
    return true;
}

/* Inserts a scenario row named name with s's description and assumptions; its row id in
 * *sid. False on a database failure. */
static bool insert_scenario(Store *st, const char *name, const Scenario *s, sqlite3_int64 *sid)
{
    sqlite3_stmt *q = stmt(st, Q_SCENARIO_INSERT);
    if (!q) return false;
    bind_text(q, 1, name);
    bind_scenario_row(q, s);
    if (!run(q)) return false;
    *sid = sqlite3_last_insert_rowid(st->db);
    return true;
}

typedef struct {
    const char *from, *to; /* from is unused by create */
} Names;

static bool create_body(Store *st, void *ctx, const char *what, char **err)
{
    const Names *n = ctx;
    if (!check_free_name(st, n->to, what, err)) return false;
    Scenario *s = scenario_new(n->to); /* the defaults */
    sqlite3_int64 sid;
    bool ok = insert_scenario(st, n->to, s, &sid);
    scenario_free(s);
    return ok || db_fail(st, what, err);
}

static bool rename_body(Store *st, void *ctx, const char *what, char **err)
{
    const Names *n = ctx;
    bool found;
    sqlite3_int64 sid;
    if (!scenario_id(st, n->from, &found, &sid)) return db_fail(st, what, err);
    if (!found) {
        *err = no_such_scenario(n->from);
        return false;
    }
    if (strcmp(n->from, n->to) == 0) return true;
    if (!check_free_name(st, n->to, what, err)) return false;
    sqlite3_stmt *q = stmt(st, Q_SCENARIO_RENAME);
    if (!q) return db_fail(st, what, err);
    sqlite3_bind_int64(q, 1, sid);
    bind_text(q, 2, n->to);
    return run(q) || db_fail(st, what, err);
}

static bool duplicate_body(Store *st, void *ctx, const char *what, char **err)
{
    const Names *n = ctx;
    Scenario *s = NULL;
    sqlite3_int64 sid;
    if (!load_in_tx(st, n->from, &s, &sid, err)) return false;
    if (!s) {
        *err = no_such_scenario(n->from);
        return false;
    }
    bool ok = check_free_name(st, n->to, what, err);
    if (ok && !(insert_scenario(st, n->to, s, &sid) && save_children(st, sid, s)))
        ok = db_fail(st, what, err);
    scenario_free(s);
    return ok;
}

/* Runs body on the names from and to in one write transaction; what is "VERB scenario
 * "NAME"" for messages. */
static bool manage(Store *st, const char *verb, const char *shown, const char *from, const char *to,
                   TxBody body, char **err)
{
    char *q = escape_text(shown, true);
    char *what = xasprintf("cannot %s scenario %s", verb, q);
    Names n = {from, to};
    bool ok = in_write_tx(st, what, body, &n, err);
    free(q);
    free(what);
    return ok;
}

bool store_create_empty(Store *st, const char *name, char **err)
{
    assert(st && name && err);
    return manage(st, "create", name, NULL, name, create_body, err);
}

bool store_rename(Store *st, const char *from, const char *to, char **err)
{
    assert(st && from && to && err);
    return manage(st, "rename", from, from, to, rename_body, err);
}

bool store_duplicate(Store *st, const char *from, const char *to, char **err)
{
    assert(st && from && to && err);
    return manage(st, "duplicate", from, from, to, duplicate_body, err);
}

/* ---- Edits and their history ---- */

_Static_assert(EDIT_TENANT == 0 && EDIT_HOST == 1 && EDIT_WORKLOAD == 2 && EDIT_SETTINGS == 3,
               "the per-kind statements and kind_names follow EditKind");

/* The edit table's kind column, by EditKind. */
static const char *const kind_names[] = {"tenant", "host", "workload", "settings"};

/* The statement of the per-kind group starting at first (Q_TENANT_FIND, ...) for kind. */
static int kind_query(int first, EditKind kind)
{
    assert(kind != EDIT_SETTINGS);
    return first + (int)kind;
}

/* The id of the entity of kind that fragment f holds ("" for the settings); NULL when it
 * holds none. */
static const char *fragment_ident(Scenario *f, EditKind kind)
{
    switch (kind) {
    case EDIT_TENANT: return edit_tenant(f) ? edit_tenant(f)->id : NULL;
    case EDIT_HOST: return edit_host(f) ? edit_host(f)->id : NULL;
    case EDIT_WORKLOAD: return edit_workload(f) ? edit_workload(f)->id : NULL;
    case EDIT_SETTINGS: return "";
    }
    return NULL;
}

/* Looks up entity ident of kind in scenario row sid: *found, and when found its row id and
 * position. False on a database failure. */
static bool find_entity(Store *st, EditKind kind, sqlite3_int64 sid, const char *ident, bool *found,
                        sqlite3_int64 *rowid, sqlite3_int64 *pos)
{
    sqlite3_stmt *q = stmt(st, kind_query(Q_TENANT_FIND, kind));
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    bind_text(q, 2, ident);
    int rc = sqlite3_step(q);
    *found = rc == SQLITE_ROW;
    if (*found) {
        *rowid = sqlite3_column_int64(q, 0);
        *pos = sqlite3_column_int64(q, 1);
    }
    stmt_done(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Runs the per-kind single-integer query first (NEXT or COUNT) on scenario row sid. */
static bool kind_int(Store *st, int first, EditKind kind, sqlite3_int64 sid, bool *found,
                     sqlite3_int64 *out)
{
    sqlite3_stmt *q = stmt(st, kind_query(first, kind));
    if (!q) return false;
    sqlite3_bind_int64(q, 1, sid);
    return fetch_int(q, found, out);
}

/* The position for an entity of kind added to scenario row sid: after the last. position is
 * the edit's (in-memory) one, which must be at the end too. Returns 1, 0 with *why set
 * (owned) when position is inside the list, or -1 on a database failure. */
static int next_position(Store *st, EditKind kind, sqlite3_int64 sid, size_t position,
                         sqlite3_int64 *pos, char **why)
{
    bool found;
    sqlite3_int64 last = 0, count = 0;
    if (!kind_int(st, Q_TENANT_NEXT, kind, sid, &found, &last)) return -1;
    *pos = found ? last + 1 : 0;
    if (position == (size_t)-1) return 1;
    if (!kind_int(st, Q_TENANT_COUNT, kind, sid, &found, &count)) return -1;
    if ((sqlite3_int64)position < count) {
        *why = xasprintf("an added %s goes at the end of its list, not at position %zu",
                         kind_names[kind], position);
        return 0;
    }
    return 1;
}

/* Refuses (returns 0 with *why set) to remove the tenant or host ident of scenario row sid
 * while a workload refers to it (its foreign keys would delete that workload). 1 when none
 * does, -1 on a database failure. */
static int check_unused(Store *st, EditKind kind, sqlite3_int64 sid, const char *ident, char **why)
{
    sqlite3_stmt *q = stmt(st, kind_query(Q_TENANT_USED, kind));
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, sid);
    bind_text(q, 2, ident);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        char *a = escape_text(ident, true), *b = escape_text(col_text(q, 0), true);
        *why = xasprintf("%s %s still has workload %s", kind_names[kind], a, b);
        free(a);
        free(b);
    }
    stmt_done(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Changes the tenant or host at row rowid to the one fragment after holds, in place (its
 * row id, position and the workloads referring to it stay). False on a database failure. */
static bool update_in_place(Store *st, EditKind kind, sqlite3_int64 rowid, Scenario *after)
{
    if (kind == EDIT_TENANT) {
        const Tenant *t = edit_tenant(after);
        sqlite3_stmt *q = stmt(st, Q_TENANT_UPDATE);
        if (!q) return false;
        sqlite3_bind_int64(q, 1, rowid);
        bind_text(q, 2, t->id);
        bind_text(q, 3, t->name ? t->name : t->id);
        bind_text(q, 4, trust_name(t->trust));
        return run(q);
    }
    assert(kind == EDIT_HOST);
    const Host *h = edit_host(after);
    sqlite3_stmt *q = stmt(st, Q_HOST_UPDATE), *c = stmt(st, Q_HOST_USERS_CLEAR);
    if (!q || !c) return false;
    sqlite3_bind_int64(q, 1, rowid);
    bind_text(q, 2, h->id);
    bind_text(q, 3, os_name(h->os));
    sqlite3_bind_int(q, 4, h->ssh);
    sqlite3_bind_int64(c, 1, rowid);
    return run(q) && run(c) && save_users(st, rowid, h);
}

/* Writes the change of one entity of kind, or of the settings, from fragment before to
 * fragment after (either may be NULL, not both; the settings need after) to scenario row sid,
 * inside the caller's write transaction. A changed tenant or host is updated in place; a
 * changed workload is deleted (with its mounts, ...) and inserted again at its position.
 * *slot is the entity's stored position: read for an insertion (no before) when use_slot is
 * set (an undone removal goes back where it was; a redone addition where it went), set
 * otherwise (-1 for the settings). position is the edit's own, checked for an addition.
 * Returns 1 when written, 0 when the stored scenario does not hold what the edit expects
 * (*why set, owned), -1 on a database failure (the error stays on the connection). */
static int write_change(Store *st, sqlite3_int64 sid, EditKind kind, Scenario *before,
                        Scenario *after, size_t position, bool use_slot, sqlite3_int64 *slot,
                        char **why)
{
    const char *bid = before ? fragment_ident(before, kind) : NULL;
    const char *aid = after ? fragment_ident(after, kind) : NULL;
    if ((before && !bid) || (after && !aid) || (!before && !after) ||
        (kind == EDIT_SETTINGS && !after)) {
        *why = xasprintf("the edit holds no %s", kind_names[kind]);
        return 0;
    }
    if (kind == EDIT_SETTINGS) {
        sqlite3_stmt *q = stmt(st, Q_SCENARIO_UPDATE);
        if (!q) return -1;
        sqlite3_bind_int64(q, 1, sid);
        bind_scenario_row(q, after);
        *slot = -1;
        return run(q) ? 1 : -1;
    }
    sqlite3_int64 rowid = 0, pos = 0;
    if (before) {
        bool found;
        if (!find_entity(st, kind, sid, bid, &found, &rowid, &pos)) return -1;
        if (!found) {
            char *q = escape_text(bid, true);
            *why = xasprintf("no %s %s in the workspace", kind_names[kind], q);
            free(q);
            return 0;
        }
    } else if (use_slot) {
        pos = *slot;
    } else {
        int r = next_position(st, kind, sid, position, &pos, why);
        if (r <= 0) return r;
    }
    *slot = pos;
    if (before && after && kind != EDIT_WORKLOAD) /* keeps the workloads that refer to it */
        return update_in_place(st, kind, rowid, after) ? 1 : -1;
    if (before) {
        if (!after && kind != EDIT_WORKLOAD) {
            int r = check_unused(st, kind, sid, bid, why);
            if (r <= 0) return r;
        }
        sqlite3_stmt *d = stmt(st, kind_query(Q_TENANT_DELETE, kind));
        if (!d) return -1;
        sqlite3_bind_int64(d, 1, rowid);
        if (!run(d)) return -1;
    }
    if (after) {
        bool ok = kind == EDIT_TENANT ? save_tenant(st, sid, pos, edit_tenant(after))
                  : kind == EDIT_HOST ? save_host(st, sid, pos, edit_host(after))
                                      : save_workload(st, sid, pos, edit_workload(after));
        if (!ok) return -1;
    }
    return 1;
}

/* The canonical JSON of fragment f under the scenario's name (a fragment's own name is not
 * kept), owned; NULL when f is NULL. */
static char *fragment_json(const Scenario *f, const char *name)
{
    if (!f) return NULL;
    Scenario named = *f;
    named.name = (char *)name; /* only read by scenario_to_json */
    return scenario_to_json(&named);
}

typedef struct {
    const char *scenario;
    const Edit *edit;
} RecordCtx;

static bool record_body(Store *st, void *ctx, const char *what, char **err)
{
    const RecordCtx *c = ctx;
    const Edit *e = c->edit;
    bool found;
    sqlite3_int64 sid, slot = -1, last = 0;
    if (!scenario_id(st, c->scenario, &found, &sid)) return db_fail(st, what, err);
    if (!found) {
        *err = no_such_scenario(c->scenario);
        return false;
    }
    char *why = NULL;
    int r = write_change(st, sid, e->kind, e->before, e->after, e->position, false, &slot, &why);
    if (r == 0) {
        *err = xasprintf("%s: %s", what, why);
        free(why);
        return false;
    }
    if (r < 0) return db_fail(st, what, err);
    /* a new edit ends redo: the undone edits go */
    sqlite3_stmt *drop = stmt(st, Q_EDIT_DROP_UNDONE), *seq = stmt(st, Q_EDIT_LAST_SEQ),
                 *ins = stmt(st, Q_EDIT_INSERT);
    if (!drop || !seq || !ins) return db_fail(st, what, err);
    sqlite3_bind_int64(drop, 1, sid);
    sqlite3_bind_int64(seq, 1, sid);
    if (!run(drop) || !fetch_int(seq, &found, &last)) return db_fail(st, what, err);
    char *before = fragment_json(e->before, c->scenario);
    char *after = fragment_json(e->after, c->scenario);
    sqlite3_bind_int64(ins, 1, sid);
    sqlite3_bind_int64(ins, 2, (found ? last : 0) + 1);
    bind_text(ins, 3, kind_names[e->kind]);
    bind_text(ins, 4, e->label ? e->label : "");
    sqlite3_bind_int64(ins, 5, e->position == (size_t)-1 ? -1 : (sqlite3_int64)e->position);
    if (e->kind == EDIT_SETTINGS)
        sqlite3_bind_null(ins, 6);
    else
        sqlite3_bind_int64(ins, 6, slot);
    bind_text(ins, 7, before);
    bind_text(ins, 8, after);
    bool ok = run(ins) && touch(st, sid);
    free(before);
    free(after);
    return ok || db_fail(st, what, err);
}

bool store_record_edit(Store *st, const char *scenario, const Edit *e, char **err)
{
    assert(st && scenario && e && err);
    char *qname = escape_text(scenario, true);
    char *qlabel = escape_text(e->label ? e->label : "", true);
    char *what = xasprintf("cannot record %s in scenario %s", qlabel, qname);
    RecordCtx c = {scenario, e};
    bool ok = in_write_tx(st, what, record_body, &c, err);
    free(qname);
    free(qlabel);
    free(what);
    return ok;
}

static bool kind_parse(const char *s, EditKind *out)
{
    for (int k = 0; k <= EDIT_SETTINGS; k++) {
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (EditKind)k;
            return true;
        }
    }
    return false;
}

/* The edit of the history row q is on (columns as EDIT_ROW), as recorded (not inverted),
 * owned, with its slot in *slot; NULL with *why set (owned) when the row is damaged. */
static Edit *edit_of_row(sqlite3_stmt *q, sqlite3_int64 *slot, char **why)
{
    EditKind kind;
    if (!kind_parse(col_text(q, 1), &kind)) {
        *why = xstrdup("unknown kind");
        return NULL;
    }
    if (kind != EDIT_SETTINGS && sqlite3_column_type(q, 4) == SQLITE_NULL) {
        *why = xstrdup("no slot");
        return NULL;
    }
    Edit *e = xcalloc(1, sizeof *e);
    e->kind = kind;
    e->label = xstrdup(col_text(q, 2));
    sqlite3_int64 p = sqlite3_column_int64(q, 3);
    e->position = p < 0 ? (size_t)-1 : (size_t)p;
    *slot = sqlite3_column_int64(q, 4);
    for (int i = 0; i < 2; i++) {
        const char *text = (const char *)sqlite3_column_text(q, 5 + i);
        if (!text) continue;
        char *perr = NULL;
        Scenario *f = scenario_parse_fragment(text, (size_t)sqlite3_column_bytes(q, 5 + i),
                                              i ? "after_json" : "before_json", &perr);
        if (!f) {
            *why = perr;
            edit_free(e);
            return NULL;
        }
        if (i)
            e->after = f;
        else
            e->before = f;
    }
    return e;
}

typedef struct {
    const char *scenario, *qname; /* the name, and as messages show it */
    bool redo;
    Edit *edit; /* out: the edit written (owned), or NULL when there was none */
} StepCtx;

static bool step_body(Store *st, void *ctx, const char *what, char **err)
{
    StepCtx *c = ctx;
    bool found;
    sqlite3_int64 sid, eid, slot = 0;
    if (!scenario_id(st, c->scenario, &found, &sid)) return db_fail(st, what, err);
    if (!found) {
        *err = no_such_scenario(c->scenario);
        return false;
    }
    sqlite3_stmt *q = stmt(st, c->redo ? Q_EDIT_FIRST_UNDONE : Q_EDIT_LAST_DONE);
    if (!q) return db_fail(st, what, err);
    sqlite3_bind_int64(q, 1, sid);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        stmt_done(q);
        return rc == SQLITE_DONE || db_fail(st, what, err); /* DONE: nothing to do */
    }
    eid = sqlite3_column_int64(q, 0);
    char *why = NULL;
    Edit *e = edit_of_row(q, &slot, &why);
    stmt_done(q);
    if (!e) {
        *err = xasprintf("%s: %s: the history is damaged (edit %lld: %s)", st->shown, what,
                         (long long)eid, why);
        free(why);
        return false;
    }
    if (!c->redo) edit_invert(e);
    int r = write_change(st, sid, e->kind, e->before, e->after, e->position, true, &slot, &why);
    sqlite3_stmt *mark = stmt(st, Q_EDIT_MARK);
    if (r > 0 && mark) {
        sqlite3_bind_int64(mark, 1, eid);
        sqlite3_bind_int(mark, 2, !c->redo);
        if (!run(mark) || !touch(st, sid)) r = -1;
    } else if (r > 0) {
        r = -1;
    }
    if (r == 0) {
        char *qlabel = escape_text(e->label, true);
        *err = xasprintf("cannot %s %s in scenario %s: %s", c->redo ? "redo" : "undo", qlabel,
                         c->qname, why);
        free(qlabel);
        free(why);
    } else if (r < 0) {
        db_fail(st, what, err);
    }
    if (r <= 0) {
        edit_free(e);
        return false;
    }
    c->edit = e;
    return true;
}

/* Undoes (redo false) or redoes the next edit of the scenario's history: see store_undo. */
static bool step_history(Store *st, const char *scenario, bool redo, Edit **out, char **err)
{
    assert(st && scenario && out && err);
    *out = NULL;
    char *qname = escape_text(scenario, true);
    char *what = xasprintf("cannot %s in scenario %s", redo ? "redo" : "undo", qname);
    StepCtx c = {.scenario = scenario, .qname = qname, .redo = redo};
    bool ok = in_write_tx(st, what, step_body, &c, err);
    if (ok)
        *out = c.edit;
    else
        edit_free(c.edit); /* written, but the commit failed */
    free(qname);
    free(what);
    return ok;
}

bool store_undo(Store *st, const char *scenario, Edit **out, char **err)
{
    return step_history(st, scenario, false, out, err);
}

bool store_redo(Store *st, const char *scenario, Edit **out, char **err)
{
    return step_history(st, scenario, true, out, err);
}

bool store_history(Store *st, const char *scenario, StoreHistoryEntry **out, size_t *n, char **err)
{
    assert(st && scenario && out && n && err);
    *out = NULL;
    *n = 0;
    *err = NULL;
    char *qname = escape_text(scenario, true);
    char *what = xasprintf("cannot read the history of scenario %s", qname);
    free(qname);
    StoreHistoryEntry *h = NULL;
    size_t len = 0, cap = 0;
    bool found = false, ok = tx_begin(st, false, what, err);
    sqlite3_int64 sid;
    if (ok && !scenario_id(st, scenario, &found, &sid)) ok = db_fail(st, what, err);
    if (ok && !found) {
        *err = no_such_scenario(scenario);
        ok = false;
    }
    sqlite3_stmt *q = ok ? stmt(st, Q_HISTORY) : NULL;
    if (ok && !q) ok = db_fail(st, what, err);
    if (ok) {
        sqlite3_bind_int64(q, 1, sid);
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            xgrow((void **)&h, &cap, len + 1, sizeof *h);
            StoreHistoryEntry *e = &h[len++];
            e->seq = (size_t)sqlite3_column_int64(q, 0);
            EditKind kind = EDIT_SETTINGS;
            kind_parse(col_text(q, 1), &kind); /* the CHECK constraint keeps it one of them */
            e->kind = kind;
            e->label = xstrdup(col_text(q, 2));
            e->created = xstrdup(col_text(q, 3));
            e->undone = sqlite3_column_int(q, 4) != 0;
        }
        if (rc != SQLITE_DONE) ok = db_fail(st, what, err);
        stmt_done(q);
    }
    tx_rollback(st); /* a read transaction */
    free(what);
    if (!ok) {
        store_history_free(h, len);
        return false;
    }
    *out = h;
    *n = len;
    return true;
}

void store_history_free(StoreHistoryEntry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(entries[i].label);
        free(entries[i].created);
    }
    free(entries);
}

/* ---- Opening and creating ---- */

static Store *store_new(sqlite3 *db, const char *path, const char *shown)
{
    Store *st = xcalloc(1, sizeof *st);
    st->db = db;
    st->path = xstrdup(path);
    st->shown = xstrdup(shown);
    return st;
}

void store_close(Store *st)
{
    if (!st) return;
    for (int q = 0; q < Q_COUNT; q++)
        sqlite3_finalize(st->stmts[q]);
    int rc = sqlite3_close(st->db);
    assert(rc == SQLITE_OK); /* every statement is finalized */
    (void)rc;
    free(st->path);
    free(st->shown);
    free(st);
}

bool store_was_created(const Store *st)
{
    return st->created;
}

sqlite3 *store_db(Store *st)
{
    return st->db;
}

const char *store_path(const Store *st)
{
    return st->path;
}

/* Sets the connection's options: foreign keys, write-ahead log, full sync, and a page cache
 * of up to 32 MB (a scenario of 150,000 workloads is written and read within it). */
static bool configure(sqlite3 *db)
{
    return sqlite3_exec(db,
                        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
                        " PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;",
                        NULL, NULL, NULL) == SQLITE_OK;
}

/* Opens an existing workspace: checks it untouched, then opens it read-write and migrates
 * an older schema in one transaction. */
static Store *open_existing(const char *path, const char *shown, char **err)
{
    bool has_wal = false;
    if (!check_header(path, shown, &has_wal, err) || !check_schema(path, shown, has_wal, err))
        return NULL;
    sqlite3 *db = db_open(path, "mode=rw", SQLITE_OPEN_READWRITE);
    bool opened = db && sqlite3_errcode(db) == SQLITE_OK && configure(db);
    int rc = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
    if (!opened && (rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || rc == SQLITE_PERM)) {
        /* the file or its folder cannot be written (the log cannot be set up): read it as
         * check_schema did, and let every write fail with SQLite's "readonly database" */
        sqlite3_close(db);
        db = db_open(path, has_wal ? "mode=ro" : "mode=ro&immutable=1", SQLITE_OPEN_READONLY);
        opened = db && sqlite3_errcode(db) == SQLITE_OK &&
                 sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK;
    }
    if (!opened) {
        *err = check_error(db, shown);
        sqlite3_close(db);
        return NULL;
    }
    Store *st = store_new(db, path, shown);
    long version = 0;
    if (!query_int(db, "PRAGMA user_version", &version)) {
        *err = check_error(db, shown);
        store_close(st);
        return NULL;
    }
    if (version >= 1 && version < STORE_SCHEMA_VERSION) {
        char *what = xasprintf("cannot upgrade the workspace from schema version %ld to %d",
                               version, STORE_SCHEMA_VERSION);
        char *merr = NULL;
        bool ok = tx_begin(st, true, what, err);
        /* another breakout may have migrated it meanwhile: read the version again */
        if (ok && !query_int(db, "PRAGMA user_version", &version)) {
            *err = db_error(st, what);
            ok = false;
        }
        if (ok && version >= 1 && version < STORE_SCHEMA_VERSION &&
            !store_migrate(db, (int)version, STORE_SCHEMA_VERSION, &merr)) {
            *err = xasprintf("%s: %s: %s", shown, what, merr);
            free(merr);
            ok = false;
        }
        if (ok) ok = tx_commit(st, what, err);
        tx_rollback(st);
        free(what);
        if (ok && !query_int(db, "PRAGMA user_version", &version)) {
            *err = check_error(db, shown);
            ok = false;
        }
        if (!ok) {
            store_close(st);
            return NULL;
        }
    }
    if (version != STORE_SCHEMA_VERSION) { /* changed since check_schema */
        *err = version > STORE_SCHEMA_VERSION ? newer_version(shown, version)
                                              : not_a_workspace(shown, "no schema version");
        store_close(st);
        return NULL;
    }
    return st;
}

/* Creates every missing parent directory of path (mode 0700, as XDG asks for data). */
static bool make_parents(const char *path, const char *shown, char **err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    bool ok = true;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; ok; p++) {
            if (*p != '/' && *p != '\0') continue;
            char c = *p;
            *p = '\0';
            struct stat sb;
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                ok = false;
            } else if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
                ok = false;
                errno = ENOTDIR;
            }
            if (!ok) {
                char *d = escape_text(dir, false);
                *err =
                    xasprintf("%s: cannot create the workspace: %s: %s", shown, d, strerror(errno));
                free(d);
            }
            *p = c;
            if (c == '\0') break;
        }
    }
    free(dir);
    return ok;
}

/* Parses every bundled scenario and saves them inside st's open transaction. A bundled
 * scenario that does not parse is a bug of the build: it aborts with a message. */
static bool seed(Store *st, char **err)
{
    for (const EmbeddedFile *f = embedded_scenarios; f->path; f++) {
        char *perr = NULL;
        Scenario *s = scenario_parse(f->data, f->size, f->path, &perr);
        if (!s) {
            fprintf(stderr, "breakout: bundled scenario %s: %s\n", f->path, perr);
            abort();
        }
        StoreSaveResult r;
        bool ok = save_in_tx(st, s, false, &r, err);
        scenario_free(s);
        if (!ok) return false;
    }
    return true;
}

/* Builds a complete, seeded workspace at the new file tmp (journal in rollback mode while
 * building, then switched to WAL; closed, so no -wal or -shm is left). */
static bool build_workspace(const char *tmp, const char *shown, char **err)
{
    sqlite3 *db = db_open(tmp, "mode=rw", SQLITE_OPEN_READWRITE);
    if (!db || sqlite3_errcode(db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        *err = xasprintf("%s: cannot create the workspace: %s", shown,
                         db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    Store *st = store_new(db, tmp, shown);
    char *merr = NULL;
    bool ok = tx_begin(st, true, "cannot create the workspace", err);
    if (ok && !store_migrate(db, 0, STORE_SCHEMA_VERSION, &merr)) {
        *err = xasprintf("%s: cannot create the workspace: %s", shown, merr);
        free(merr);
        ok = false;
    }
    ok = ok && seed(st, err) && tx_commit(st, "cannot create the workspace", err);
    tx_rollback(st);
    if (ok && !tx_exec(st, "PRAGMA journal_mode = WAL")) {
        *err = db_error(st, "cannot create the workspace");
        ok = false;
    }
    store_close(st);
    return ok;
}

static void remove_with_sidecars(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char *p = xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
}

/* Creates the workspace at path so that it appears complete or not at all: it is built in a
 * temporary file beside path and linked into place (no clobbering: when another breakout
 * created path meanwhile, its file wins). Returns 1 when we created it, 0 when another did,
 * -1 with *err set on failure. */
static int create_file(const char *path, const char *shown, char **err)
{
    if (!make_parents(path, shown, err)) return -1;
    const char *base = strrchr(path, '/');
    char *tmp = base ? xasprintf("%.*s/.%s.new-XXXXXX", (int)(base - path), path, base + 1)
                     : xasprintf(".%s.new-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        *err = xasprintf("%s: cannot create the workspace: %s", shown, strerror(errno));
        free(tmp);
        return -1;
    }
    close(fd);
    int result = -1;
    if (build_workspace(tmp, shown, err)) {
        if (link(tmp, path) == 0) {
            result = 1;
        } else if (errno == EEXIST) {
            result = 0;
        } else if (rename(tmp, path) == 0) { /* a file system without hard links */
            result = 1;
        } else {
            *err = xasprintf("%s: cannot create the workspace: %s", shown, strerror(errno));
        }
    }
    remove_with_sidecars(tmp); /* after link, only a second name of the new file */
    if (result == 1) {
        char *dir =
            base ? xasprintf("%.*s", (int)(base - path) + (base == path), path) : xstrdup(".");
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) { /* make the new name durable */
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    free(tmp);
    return result;
}

Store *store_open(const char *path, bool create, char **err)
{
    assert(path && err);
    *err = NULL;
    char *shown = escape_text(path, false);
    bool created = false;
    struct stat sb;
    if (create && lstat(path, &sb) != 0 && errno == ENOENT) {
        int r = create_file(path, shown, err);
        if (r < 0) {
            free(shown);
            return NULL;
        }
        created = r == 1;
    }
    Store *st = open_existing(path, shown, err);
    if (st) st->created = created;
    free(shown);
    return st;
}

/* ---- The default location ---- */

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

char *store_default_path(void)
{
    const char *v = env_nonempty("BREAKOUT_DB");
    if (v) return xstrdup(v);
    v = env_nonempty("XDG_DATA_HOME");
    if (v && v[0] == '/') return xasprintf("%s/breakout/workspace.db", v);
    v = env_nonempty("HOME");
    if (!v) {
        const struct passwd *pw = getpwuid(getuid());
        v = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
    }
    return v ? xasprintf("%s/.local/share/breakout/workspace.db", v) : NULL;
}
