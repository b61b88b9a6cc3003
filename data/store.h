/* The workspace: one SQLite file holding many scenarios, stored relationally, with a
 * versioned schema migrated on open and every write in one transaction. The schema, its
 * history and the guarantees are in docs/workspace.md. */
#ifndef BREAKOUT_STORE_H
#define BREAKOUT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"
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

/* Creates an empty scenario named name (borrowed): no tenants, hosts or workloads, no
 * description, the default assumptions. Errors: `a scenario name cannot be empty`,
 * `a scenario named "X" is already in the workspace`, or a workspace error. */
bool store_create_empty(Store *st, const char *name, char **err);

/* Renames the scenario from to to (both borrowed); its contents and history stay with it.
 * Renaming a scenario to its own name does nothing. Errors: `no scenario named "X" in the
 * workspace`, `a scenario name cannot be empty`, `a scenario named "Y" is already in the
 * workspace`, or a workspace error. */
bool store_rename(Store *st, const char *from, const char *to, char **err);

/* Copies the scenario from as a new scenario named to (a fork for a what-if): the contents,
 * not the history (the copy starts with nothing to undo). Errors as store_rename's. */
bool store_duplicate(Store *st, const char *from, const char *to, char **err);

/* ---- Editing with history (docs/workspace.md, "Edits and their history") ----
 *
 * The caller keeps an in-memory copy of the scenario (store_load) and changes it only with
 * edits: edit_apply to the copy, then store_record_edit. When store_record_edit fails, the
 * workspace is unchanged and the caller undoes the copy (edit_invert, edit_apply). Undo and
 * redo go the other way: the store changes first and hands back the edit for the copy.
 * The history is linear and kept in the workspace, so it survives restarts; it is dropped
 * when the scenario is removed or replaced by store_save. */

/* Writes e (borrowed), already applied by the caller to its copy of the scenario named
 * scenario, to the stored scenario, and appends it to the scenario's history, in one
 * transaction: afterwards the workspace has both or neither. A tenant, host or workload keeps
 * its place in its list; an added one goes at the end (e->position must be (size_t)-1 or
 * past the end). Edits that were undone are dropped (a new edit ends redo). e->label is
 * stored as the history's label. The edit is not validated against the whole scenario
 * (edit_apply did that); the store refuses an edit it cannot apply to what it holds:
 *   cannot record "LABEL" in scenario "X": no workload "w" in the workspace
 *   cannot record "LABEL" in scenario "X": tenant "t" still has workload "w"
 *   cannot record "LABEL" in scenario "X": an added workload goes at the end of its list, ...
 *   FILE: cannot record "LABEL" in scenario "X": REASON   (SQLite's: a constraint, a full disk)
 * and `no scenario named "X" in the workspace` or a busy workspace. */
bool store_record_edit(Store *st, const char *scenario, const Edit *e, char **err);

/* Undoes the latest edit of the scenario's history that is not undone: writes its inverse to
 * the stored scenario and marks it undone, in one transaction. Sets *out to the edit, owned
 * (edit_free), already inverted: edit_apply it to the in-memory copy. *out is NULL when
 * there is nothing to undo (not an error). On failure *out is NULL and nothing changed. */
bool store_undo(Store *st, const char *scenario, Edit **out, char **err);

/* Redoes the earliest undone edit (the one store_undo undid last): writes it again and marks
 * it done, in one transaction. *out as store_undo's: the edit to apply, or NULL when there is
 * nothing to redo. */
bool store_redo(Store *st, const char *scenario, Edit **out, char **err);

/* One edit of a scenario's history. */
typedef struct {
    size_t seq;    /* 1, 2, ... in the order the edits were made */
    EditKind kind; /* what it changed */
    char *label;   /* owned by the entry array */
    char *created; /* owned: UTC, YYYY-MM-DDTHH:MM:SSZ */
    bool undone;   /* undone edits come last: they are what redo redoes */
} StoreHistoryEntry;

/* The history of the scenario named scenario, oldest first. On success sets *out to an owned
 * array of *n entries (NULL when *n is 0), to free with store_history_free. Errors:
 * `no scenario named "X" in the workspace`, or a workspace error. */
bool store_history(Store *st, const char *scenario, StoreHistoryEntry **out, size_t *n, char **err);
void store_history_free(StoreHistoryEntry *entries, size_t n);

/* The default workspace path, owned: $BREAKOUT_DB, else $XDG_DATA_HOME/breakout/workspace.db
 * (an absolute XDG_DATA_HOME only, as the XDG spec says), else
 * $HOME/.local/share/breakout/workspace.db (the password database's home when HOME is unset
 * or empty). Empty variables count as unset. NULL only when no home directory is known. */
char *store_default_path(void);

#endif
