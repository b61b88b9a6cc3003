/* The workspace: one SQLite file holding many scenarios, stored relationally, with a
 * versioned schema migrated on open and every write in one transaction. The schema, its
 * history and the guarantees are in docs/workspace.md. */
#ifndef BREAKOUT_STORE_H
#define BREAKOUT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

typedef struct Store Store;

/* Opens the workspace at path (borrowed). When the file is missing and create is true,
 * creates it (and its parent directories) seeded with every bundled scenario; the file
 * appears complete or not at all. An existing file is checked before SQLite may write to
 * it, then opened read-write, and an older schema is migrated in one transaction. A file
 * that cannot be written opens, and every write then fails. Returns an owned Store (close
 * it with store_close), or NULL with *err set to an owned one-line message:
 *   FILE: no such file                          (missing and create is false)
 *   FILE: not a breakout workspace (REASON)     (the file is left byte-for-byte untouched)
 *   FILE: workspace schema version N is newer than this breakout supports (M)  (untouched)
 *   FILE: cannot upgrade the workspace from schema version N to M: REASON      (unchanged)
 *   workspace FILE is busy (another breakout is writing to it)
 *   FILE: cannot create the workspace: REASON
 *   FILE: cannot open the workspace: REASON
 * FILE is path with control characters escaped. docs/workspace.md lists the REASONs. */
Store *store_open(const char *path, bool create, char **err);

/* True when store_open created (and seeded) the file. */
bool store_was_created(const Store *st);

/* The path the store was opened with: borrowed, valid until store_close. */
const char *store_path(const Store *st);

/* Closes the workspace and frees st. NULL does nothing. */
void store_close(Store *st);

/* One scenario of a workspace listing. All fields owned by the entry array. */
typedef struct {
    char *name;
    char *description; /* NULL when the scenario has none */
    size_t tenants, hosts, workloads;
} StoreEntry;

/* Lists the scenarios sorted by name (ASCII case folded, then byte order). On success sets
 * *out to an owned array of *n entries (NULL when *n is 0), to free with store_entries_free. */
bool store_list(Store *st, StoreEntry **out, size_t *n, char **err);
void store_entries_free(StoreEntry *entries, size_t n);

/* Loads the scenario named name. Returns an owned Scenario, or NULL with *err set:
 * `no scenario named "X" in the workspace`, or a workspace error. */
Scenario *store_load(Store *st, const char *name, char **err);

typedef enum {
    STORE_ADDED,     /* no scenario had that name */
    STORE_REPLACED,  /* a different scenario had that name and replace was set */
    STORE_UNCHANGED, /* the same scenario (equal canonical JSON) was already there */
} StoreSaveResult;

/* Saves s (borrowed) under s->name in one transaction. A scenario with that name and the
 * same content is left alone (STORE_UNCHANGED); one with different content is overwritten
 * only when replace is set (it keeps its row id and creation time), otherwise it is an error:
 *   a different scenario named "X" is already in the workspace (use --replace to overwrite it)
 * s must pass scenario_validate (otherwise: `cannot save scenario "X": PLACE: PROBLEM`).
 * On failure the workspace is exactly as it was. res may be NULL. */
bool store_save(Store *st, const Scenario *s, bool replace, StoreSaveResult *res, char **err);

/* Saves the n scenarios of list in order, all or nothing, in one transaction (a later one
 * with the name of an earlier one is compared with, or replaces, that one). results, when
 * not NULL, has room for n results. On failure nothing was saved and *err names the
 * scenario that failed. */
bool store_save_many(Store *st, Scenario *const *list, size_t n, bool replace,
                     StoreSaveResult *results, char **err);

/* Removes the scenario named name and everything in it.
 * Error: `no scenario named "X" in the workspace`, or a workspace error. */
bool store_remove(Store *st, const char *name, char **err);

/* The default workspace path, owned: $BREAKOUT_DB, else $XDG_DATA_HOME/breakout/workspace.db
 * (an absolute XDG_DATA_HOME only, as the XDG spec says), else
 * $HOME/.local/share/breakout/workspace.db (the password database's home when HOME is unset
 * or empty). Empty variables count as unset. NULL only when no home directory is known. */
char *store_default_path(void);

#endif
