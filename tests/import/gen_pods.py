#!/usr/bin/env python3
"""Generates `kubectl get pods -A -o json` output for import benchmarks: N pods of about 8 KB
each as kubectl prints them (indented by 4, managed fields, status, projected token volume,
tolerations), spread over NODES nodes and N/100 namespaces, a tenth of them Windows, some
with hostPath mounts.
Usage: gen_pods.py N [NODES] [SEED] > pods.json"""
import json, random, sys

n = int(sys.argv[1])
nodes = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
namespaces = ["kube-system"] + [f"team-{i}" for i in range(max(1, n // 100))]


def managed_fields(name):
    return [{"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kubelet",
             "operation": "Update", "subresource": "status", "time": "2024-05-01T10:00:05Z",
             "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {},
                                       "f:hostIP": {}, "f:phase": {}, "f:podIP": {},
                                       "f:startTime": {}}}}]


def pod(i):
    ns = rng.choice(namespaces)
    node = rng.randrange(nodes)
    windows = node % 10 == 9
    name = f"app-{i}-7d9c8b6f5-{i % 99991:05d}"
    sc = {}
    ctr_sc = {"allowPrivilegeEscalation": False}
    if windows:
        if rng.random() < 0.5:
            sc["windowsOptions"] = {"runAsUserName": "ContainerUser"}
    else:
        r = rng.random()
        if r < 0.4:
            sc["runAsUser"] = 1000 + i % 50
        elif r < 0.6:
            sc["runAsNonRoot"] = True
        if rng.random() < 0.05:
            ctr_sc["privileged"] = True
        if rng.random() < 0.5:
            sc["seccompProfile"] = {"type": "RuntimeDefault"}
    mounts = [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
               "name": f"kube-api-access-{i % 10000:05d}", "readOnly": True}]
    volumes = [{"name": f"kube-api-access-{i % 10000:05d}", "projected": {
        "defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}],
                           "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1",
                                                     "fieldPath": "metadata.namespace"},
                                        "path": "namespace"}]}}]}}]
    if rng.random() < 0.2:
        path = rng.choice(["C:\\logs", "C:\\Users\\azureuser\\.ssh"] if windows
                          else ["/var/log", "/var/run/docker.sock", "/etc/ssl", "/root/.ssh"])
        volumes.append({"name": "host", "hostPath": {"path": path, "type": ""}})
        m = {"mountPath": "/host", "name": "host"}
        if rng.random() < 0.5:
            m["readOnly"] = True
        mounts.append(m)
    spec = {
        "containers": [{
            "name": f"app-{i}", "image": f"registry.example/team/app-{i % 300}:1.{i % 20}",
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
            "securityContext": ctr_sc,
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File", "volumeMounts": mounts}],
        "dnsPolicy": "ClusterFirst", "enableServiceLinks": True,
        "nodeName": f"node-{node}", "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0, "restartPolicy": "Always", "schedulerName": "default-scheduler",
        "securityContext": sc, "serviceAccount": "default", "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30,
        "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready",
                         "operator": "Exists", "tolerationSeconds": 300}],
        "volumes": volumes}
    if windows:
        spec["nodeSelector"] = {"kubernetes.io/os": "windows"}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"creationTimestamp": "2024-05-01T10:00:00Z",
                     "generateName": f"app-{i}-7d9c8b6f5-", "labels": {
                         "app": f"app-{i}", "pod-template-hash": "7d9c8b6f5"},
                     "managedFields": managed_fields(f"app-{i}"), "name": name,
                     "namespace": ns, "ownerReferences": [{
                         "apiVersion": "apps/v1", "blockOwnerDeletion": True,
                         "controller": True, "kind": "ReplicaSet",
                         "name": f"app-{i}-7d9c8b6f5",
                         "uid": f"3f2a{i:08d}-1b2c-4d5e-8f90-a1b2c3d4e5f6"}],
                     "resourceVersion": str(100000 + i),
                     "uid": f"9e8d{i:08d}-7c6b-4a59-8e7f-6a5b4c3d2e1f"},
        "spec": spec,
        "status": {
            "conditions": [{"lastProbeTime": None, "lastTransitionTime": "2024-05-01T10:00:05Z",
                            "status": "True", "type": t} for t in ["Ready", "PodScheduled"]],
            "containerStatuses": [{
                "containerID": f"containerd://{i:064x}", "image": f"registry.example/app:{i}",
                "imageID": f"registry.example/app@sha256:{i:064x}", "lastState": {},
                "name": f"app-{i}", "ready": True, "restartCount": 0, "started": True,
                "state": {"running": {"startedAt": "2024-05-01T10:00:04Z"}}}],
            "hostIP": f"10.0.{node // 250}.{node % 250}", "phase": "Running",
            "podIP": f"10.244.{i // 250 % 250}.{i % 250}",
            "podIPs": [{"ip": f"10.244.{i // 250 % 250}.{i % 250}"}], "qosClass": "Burstable",
            "startTime": "2024-05-01T10:00:00Z"}}


print(json.dumps({"apiVersion": "v1", "items": [pod(i) for i in range(n)], "kind": "List",
                  "metadata": {"resourceVersion": ""}}, indent=4))
