/* Edits: apply, undo by inverting, refusals that leave the scenario unchanged. */
#include <criterion/criterion.h>
#include <string.h>

#include "edit.h"
#include "scenario.h"
#include "scenario_json.h"

static Scenario *small(void)
{
    Scenario *s = scenario_new("s");
    scenario_add_tenant(s, "a", TRUST_TRUSTED);
    scenario_add_tenant(s, "b", TRUST_UNTRUSTED);
    scenario_add_host(s, "h", OS_WINDOWS);
    scenario_add_workload(s, "w1", "a", "h");
    Workload *w = scenario_add_workload(s, "w2", "b", "h");
    workload_add_mount(w, "C:\\data", NULL, false);
    return s;
}

static char *json(const Scenario *s)
{
    return scenario_to_json(s);
}

Test(edit, change_then_invert_restores_exactly)
{
    Scenario *s = small();
    char *orig = json(s);
    Edit *e = edit_change(s, EDIT_WORKLOAD, "w2");
    cr_assert_not_null(e);
    edit_workload(e->after)->isolation = ISOLATION_HYPERV;
    edit_workload(e->after)->mounts[0].read_only = true;
    char *err = NULL;
    cr_assert(edit_apply(s, e, &err), "%s", err);
    cr_assert_eq(s->workloads[1].isolation, ISOLATION_HYPERV);
    cr_assert(s->workloads[1].mounts[0].read_only);
    cr_assert_str_eq(s->workloads[1].id, "w2", "the entity keeps its place");
    edit_invert(e);
    cr_assert(edit_apply(s, e, &err), "%s", err);
    char *back = json(s);
    cr_assert_str_eq(back, orig);
    free(back);
    free(orig);
    edit_free(e);
    scenario_free(s);
}

Test(edit, remove_and_undo_puts_it_back_in_place)
{
    Scenario *s = small();
    char *orig = json(s);
    Edit *e = edit_remove(s, EDIT_WORKLOAD, "w1");
    char *err = NULL;
    cr_assert(edit_apply(s, e, &err), "%s", err);
    cr_assert_eq(s->n_workloads, 1);
    edit_invert(e);
    cr_assert(edit_apply(s, e, &err), "%s", err);
    char *back = json(s);
    cr_assert_str_eq(back, orig, "w1 is first again");
    free(back);
    free(orig);
    edit_free(e);
    scenario_free(s);
}

Test(edit, refusals_leave_the_scenario_as_it_was)
{
    Scenario *s = small();
    char *orig = json(s);
    char *err = NULL;
    Edit *e = edit_remove(s, EDIT_TENANT, "a");
    cr_assert_not(edit_apply(s, e, &err));
    cr_assert_str_eq(err, "tenant \"a\" still has workload \"w1\"");
    free(err);
    edit_free(e);

    e = edit_change(s, EDIT_WORKLOAD, "w1");
    free(edit_workload(e->after)->host);
    edit_workload(e->after)->host = strdup("nowhere");
    cr_assert_not(edit_apply(s, e, &err));
    cr_assert(strstr(err, "no host with id \"nowhere\""), "got %s", err);
    free(err);
    edit_free(e);

    e = edit_change(s, EDIT_WORKLOAD, "w1");
    cr_assert_not(edit_apply(s, e, &err));
    cr_assert_str_eq(err, "nothing changed");
    free(err);
    edit_free(e);

    Scenario *f = scenario_new("frag");
    scenario_add_workload(f, "w1", "a", "h");
    e = edit_add(EDIT_WORKLOAD, f);
    cr_assert_not(edit_apply(s, e, &err), "a duplicate id is refused");
    free(err);
    edit_free(e);

    char *now = json(s);
    cr_assert_str_eq(now, orig);
    free(now);
    free(orig);
    scenario_free(s);
}

Test(edit, settings_change_assumptions)
{
    Scenario *s = small();
    Edit *e = edit_change(s, EDIT_SETTINGS, NULL);
    e->after->assume[ASSUME_KERNEL_EXPLOIT] = false;
    char *err = NULL;
    cr_assert(edit_apply(s, e, &err), "%s", err);
    cr_assert_not(s->assume[ASSUME_KERNEL_EXPLOIT]);
    edit_invert(e);
    cr_assert(edit_apply(s, e, &err), "%s", err);
    cr_assert(s->assume[ASSUME_KERNEL_EXPLOIT]);
    edit_free(e);
    scenario_free(s);
}
