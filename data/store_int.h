/* Internals of the workspace (data/store.c) shared with its tests and with the program that
 * made the version-1 fixture (tests/fixtures/make-workspace-v1.c): the file's identity and
 * the schema migrations. */
#ifndef BREAKOUT_STORE_INT_H
#define BREAKOUT_STORE_INT_H

#include <stdbool.h>

#include <sqlite3.h>

/* PRAGMA application_id of every workspace: the bytes "BRKO" (0x42524b4f). */
#define STORE_APPLICATION_ID 1112689487
/* PRAGMA user_version this breakout writes; it migrates every earlier one on open. */
#define STORE_SCHEMA_VERSION 4

/* Runs the migrations that take db from schema version from (0: an empty database) to to,
 * inside the caller's transaction (the caller commits or rolls back). Each one sets
 * user_version; the first also sets application_id. 0 <= from <= to <= STORE_SCHEMA_VERSION.
 * Returns false with *err set to an owned message (SQLite's) on failure. */
bool store_migrate(sqlite3 *db, int from, int to, char **err);

typedef struct Store Store;

/* The workspace's database, for the data/ modules that own tables of their own in it
 * (lessons: learner_lesson, learner_answer; the workshop record: decision, minutes). They
 * use prepared statements and their own transactions; the schema stays store.c's. */
sqlite3 *store_db(Store *st);

#endif
