/* scenario_validate: its messages, and that its checks run in two jobs (scenario_validate_on,
 * as a large file's reader runs them) give the same message as in order, wherever the first
 * problem is. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "xalloc.h"

/* Runs the jobs one after the other, the last first: the jobs share nothing. */
static void run_backwards(void *runner, EngineJob job, void *ctx, size_t n)
{
    (void)runner;
    for (size_t i = n; i-- > 0;)
        job(ctx, i);
}
static const EngineRunner backwards = {.run = run_backwards, .parts = 2};

/* Two tenants, two hosts (one with two users), n workloads w-0 .. w-(n-1). */
static Scenario *fleet(size_t n)
{
    Scenario *s = scenario_new("fleet");
    scenario_add_tenant(s, "t-0", TRUST_UNTRUSTED);
    scenario_add_tenant(s, "t-1", TRUST_TRUSTED);
    Host *h = scenario_add_host(s, "h-0", OS_LINUX);
    host_add_user(h, "alice", true);
    host_add_user(h, "bob", false);
    scenario_add_host(s, "h-1", OS_WINDOWS);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "w-%zu", i);
        scenario_add_workload(s, id, i % 2 ? "t-1" : "t-0", i % 3 ? "h-1" : "h-0");
    }
    return s;
}

static void set(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* Both ways give the message want (NULL: valid). */
static void agree(Scenario *s, const char *want)
{
    char *a = NULL, *b = NULL;
    bool ok_a = scenario_validate(s, &a), ok_b = scenario_validate_on(s, &backwards, &b);
    cr_assert_eq(ok_a, want == NULL, "in order: %s", a ? a : "valid");
    cr_assert_eq(ok_b, want == NULL, "in two jobs: %s", b ? b : "valid");
    if (want) {
        cr_assert_str_eq(a, want);
        cr_assert_str_eq(b, want);
    }
    free(a);
    free(b);
    scenario_free(s);
}

Test(validate, two_jobs_say_what_checking_in_order_says)
{
    agree(fleet(100), NULL);

    Scenario *s = fleet(100);
    set(&s->workloads[40].id, "w-7");
    agree(s, "workloads[40].id: duplicate id \"w-7\"");

    s = fleet(100);
    set(&s->workloads[60].tenant, "ghost");
    agree(s, "workloads[60].tenant: no tenant with id \"ghost\"");

    s = fleet(100);
    set(&s->workloads[60].host, "nowhere");
    agree(s, "workloads[60].host: no host with id \"nowhere\"");

    /* a workload missing both: the tenant is told */
    s = fleet(100);
    set(&s->workloads[61].tenant, "ghost");
    set(&s->workloads[61].host, "nowhere");
    agree(s, "workloads[61].tenant: no tenant with id \"ghost\"");

    /* the earlier workload's problem wins, whichever job finds it */
    s = fleet(100);
    set(&s->workloads[30].tenant, "ghost");
    set(&s->workloads[50].id, "w-1");
    agree(s, "workloads[30].tenant: no tenant with id \"ghost\"");
    s = fleet(100);
    set(&s->workloads[50].tenant, "ghost");
    set(&s->workloads[30].id, "w-1");
    agree(s, "workloads[30].id: duplicate id \"w-1\"");

    /* at the same workload the duplicate id is told first */
    s = fleet(100);
    set(&s->workloads[30].id, "w-1");
    set(&s->workloads[30].host, "nowhere");
    agree(s, "workloads[30].id: duplicate id \"w-1\"");

    /* the tenants, hosts and users come before any workload */
    s = fleet(100);
    set(&s->workloads[3].id, "w-1");
    set(&s->tenants[1].id, "t-0");
    agree(s, "tenants[1].id: duplicate id \"t-0\"");
    s = fleet(100);
    set(&s->workloads[3].tenant, "ghost");
    set(&s->hosts[1].id, "h-0");
    agree(s, "hosts[1].id: duplicate id \"h-0\"");
    s = fleet(100);
    set(&s->hosts[0].users[1].name, "alice");
    agree(s, "hosts[0].users[1].name: duplicate user \"alice\"");
}
