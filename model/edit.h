/* Edits: one change to one entity of a scenario (a tenant, a host, a workload) or to its
 * settings (name, description, assumptions), with what it was before and after, so that
 * it can be applied, undone and redone, and stored in a workspace's history.
 *
 * The before and after states are each held in a one-entity "fragment" scenario (NULL when
 * the entity is absent: an addition has no before, a removal no after). A fragment is an
 * ordinary Scenario, so the scenario format reads and writes it; it is not valid on its own
 * (its references point outside it). */
#ifndef BREAKOUT_EDIT_H
#define BREAKOUT_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

typedef enum { EDIT_TENANT, EDIT_HOST, EDIT_WORKLOAD, EDIT_SETTINGS } EditKind;

typedef struct {
    EditKind kind;
    char *label;      /* owned: what the edit does, for the status line and history */
    Scenario *before; /* owned fragment, or NULL */
    Scenario *after;  /* owned fragment, or NULL */
    size_t position;  /* the entity's index in its list (where an undone removal returns) */
} Edit;

/* Starts an edit of the entity `id` (or of the settings, id ignored) of s: before and after
 * both hold a copy of it; change `after` (edit_after_*), then edit_apply. NULL if no such
 * entity. */
Edit *edit_change(const Scenario *s, EditKind kind, const char *id);
/* An edit adding a copy of the entity held by the fragment `entity` (taken: owned by the
 * edit) at the end of its list. */
Edit *edit_add(EditKind kind, Scenario *entity);
/* An edit removing entity `id`; NULL if no such entity. */
Edit *edit_remove(const Scenario *s, EditKind kind, const char *id);
void edit_free(Edit *e);
/* Sets the label (copied, printf-style). */
void edit_set_label(Edit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The entity of a fragment (NULL if the fragment is NULL or holds none). */
Tenant *edit_tenant(Scenario *fragment);
Host *edit_host(Scenario *fragment);
Workload *edit_workload(Scenario *fragment);

/* Applies e to s. The result must be a valid scenario (unique ids, references resolve; a
 * tenant or host still used by a workload cannot be removed): otherwise s is left as it was
 * and false is returned with *err an owned one-line message. An edit that changes nothing
 * is refused too ("nothing changed"). */
bool edit_apply(Scenario *s, const Edit *e, char **err);
/* Swaps before and after: applying the result undoes e. */
void edit_invert(Edit *e);
#endif
