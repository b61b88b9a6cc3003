#!/usr/bin/env python3
"""Generates a fleet scenario (format 2) for benchmarks: 1 host and 1 tenant per 100
workloads, workloads placed uniformly at random, a third of tenants untrusted, half the
workloads with a mount (some covering key folders or runtime sockets), both OSes.
Usage: gen_fleet.py WORKLOADS [SEED] > fleet.json"""
import json, random, sys

n = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
groups = max(1, n // 100)
hosts, tenants, workloads = [], [], []
for i in range(groups):
    os_ = "windows" if i % 2 else "linux"
    hosts.append({"id": f"node-{i}", "os": os_, "ssh": rng.random() < 0.5,
                  "users": [{"name": "ops", "admin": False}]})
    tenants.append({"id": f"tenant-{i}", "name": f"Tenant {i}",
                    "trust": "untrusted" if i % 3 == 0 else "trusted"})
linux_mounts = ["/data", "/home/ops/.ssh", "/var/run/docker.sock", "/etc", "/var/log", "/tmp/x"]
win_mounts = ["C:\\data", "C:\\Users\\ops\\.ssh", "C:\\ProgramData\\ssh", "C:\\logs"]
for i in range(n):
    h = hosts[rng.randrange(groups)]
    mounts = []
    if rng.random() < 0.5:
        path = rng.choice(linux_mounts if h["os"] == "linux" else win_mounts)
        mounts.append({"host_path": path, "path": "/mnt/x", "read_only": rng.random() < 0.5})
    workloads.append({
        "id": f"w-{i}", "tenant": tenants[rng.randrange(groups)]["id"], "host": h["id"],
        "isolation": rng.choice(["process", "process", "hyperv", "sandbox"]),
        "account": rng.choice(["admin", "user"]), "privileged": False, "compromised": False,
        "mounts": mounts, "hardening": []})
json.dump({"breakout": 2, "name": f"Fleet of {n} workloads",
           "assumptions": {"kernel_exploit": True, "hypervisor_exploit": False, "sandbox_exploit": False},
           "tenants": tenants, "hosts": hosts, "workloads": workloads}, sys.stdout, indent=1)
