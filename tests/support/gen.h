/* A seeded random scenario generator shared by the property tests (header-only: each test
 * executable includes it once). */
#ifndef BREAKOUT_TEST_GEN_H
#define BREAKOUT_TEST_GEN_H

#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static unsigned long long rng_state;

__attribute__((unused)) static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

__attribute__((unused)) static unsigned long long base_seed(void)
{
    const char *env = getenv("BREAKOUT_SEED");
    return env ? strtoull(env, NULL, 10) : 20261128ull;
}

static const char *const linux_paths[] = {"/",
                                          "/root/.ssh",
                                          "/home/alice/.ssh",
                                          "/home",
                                          "/var/run/docker.sock",
                                          "/etc",
                                          "/var/log",
                                          "/proc",
                                          "/tmp/scratch",
                                          "/var/lib/kubelet/pods",
                                          "/run/containerd/containerd.sock"};
static const char *const windows_paths[] = {"C:\\",
                                            "C:\\Users\\alice\\.ssh",
                                            "C:\\Users",
                                            "C:\\ProgramData\\ssh",
                                            "C:\\Windows",
                                            "C:\\data",
                                            "\\\\.\\pipe\\docker_engine",
                                            "C:\\ProgramData\\Docker"};
static const char *const gen_hardening[] = {"apparmor", "seccomp", "selinux", "pod-security",
                                            "rbac"};
static const char *const caps[] = {"SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "NET_ADMIN"};

__attribute__((unused)) static Scenario *generate(unsigned long long seed)
{
    rng_state = seed * 2654435761ull + 1;
    Scenario *s = scenario_new("random");
    for (int a = 0; a < ASSUME_COUNT; a++)
        s->assume[a] = rnd(2);
    char id[32];
    unsigned nt = 1 + rnd(4), nh = 1 + rnd(3), nw = 1 + rnd(6);
    for (unsigned i = 0; i < nt; i++) {
        snprintf(id, sizeof id, "t%u", i);
        scenario_add_tenant(s, id, rnd(2) ? TRUST_UNTRUSTED : TRUST_TRUSTED);
    }
    for (unsigned i = 0; i < nh; i++) {
        snprintf(id, sizeof id, "h%u", i);
        Host *h = scenario_add_host(s, id, rnd(2) ? OS_LINUX : OS_WINDOWS);
        h->ssh = rnd(2);
        if (rnd(2)) host_add_user(h, "alice", rnd(2));
    }
    for (unsigned i = 0; i < nw; i++) {
        char tid[16], hid[16];
        snprintf(id, sizeof id, "w%u", i);
        snprintf(tid, sizeof tid, "t%u", rnd(nt));
        snprintf(hid, sizeof hid, "h%u", rnd(nh));
        Workload *w = scenario_add_workload(s, id, tid, hid);
        Os os = scenario_host(s, hid)->os;
        w->isolation = (Isolation)rnd(4);
        w->account = (Account)rnd(2);
        w->privileged = rnd(4) == 0;
        w->compromised = rnd(5) == 0;
        w->host_namespaces = rnd(4) == 0 ? HOSTNS_PID : 0;
        unsigned nm = rnd(3);
        for (unsigned m = 0; m < nm; m++) {
            const char *p = os == OS_LINUX
                                ? linux_paths[rnd(sizeof linux_paths / sizeof *linux_paths)]
                                : windows_paths[rnd(sizeof windows_paths / sizeof *windows_paths)];
            workload_add_mount(w, p, NULL, rnd(2));
        }
        for (unsigned k = 0; k < 5; k++)
            if (rnd(4) == 0) strlist_add(&w->hardening, gen_hardening[k]);
        for (unsigned k = 0; k < 4; k++)
            if (rnd(5) == 0) strlist_add(&w->capabilities, caps[k]);
    }
    return s;
}

#endif
