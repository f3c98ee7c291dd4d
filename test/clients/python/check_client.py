"""Drives a Berth cluster with Debian's python3-kubernetes (22.x) as a user's script would.

Contract: check_client.py KUBECONFIG NAMESPACE CACHE_DIR
  Runs every step below against the cluster the kubeconfig names, in a namespace it creates,
  and prints ONE JSON object on stdout: {"results": {...}} (exit 0), or {"error": traceback,
  "results": partial} (exit 1). The TypeScript test (../python.test.ts) asserts the results;
  this script asserts nothing itself, so a failure shows every observation, not the first one.
Only the typed client's own methods and the dynamic client are used: whatever the client
deserializes (its models reject missing required fields) must come back in the right shape.
"""
import json
import sys
import threading
import time
import traceback

from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException

KUBECONFIG, NS, CACHE_DIR = sys.argv[1], sys.argv[2], sys.argv[3]
results = {}


def error_of(fn):
    """The status code and parsed Status body of a call that must fail."""
    try:
        fn()
    except ApiException as e:
        return {"status": e.status, "body": json.loads(e.body) if e.body else None, "reason": e.reason}
    return {"status": None}


def wait_for(what, fn, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError("timed out waiting for " + what)


def events_of(stream, want):
    """Collects 'TYPE name value' from a watch stream until `want` events or the stream ends."""
    seen = []
    for e in stream:
        obj = e["object"]
        data = getattr(obj, "data", None) or {}
        seen.append("%s %s %s" % (e["type"], obj.metadata.name, data.get("v")))
        if len(seen) >= want:
            break
    return seen


def configmaps(core):
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cfg", labels={"app": "py"}), data={"v": "1"})
    created = core.create_namespaced_config_map(NS, body)
    out = {"created_uid": bool(created.metadata.uid), "read": core.read_namespaced_config_map("cfg", NS).data}
    out["listed"] = [c.metadata.name for c in core.list_namespaced_config_map(NS, label_selector="app=py").items]
    # A list body is a JSON patch, a dict a strategic merge patch (the client picks by shape).
    out["json_patch"] = core.patch_namespaced_config_map("cfg", NS, [{"op": "add", "path": "/data/w", "value": "2"}]).data
    out["strategic"] = core.patch_namespaced_config_map("cfg", NS, {"metadata": {"labels": {"tier": "a"}}}).metadata.labels
    current = core.read_namespaced_config_map("cfg", NS)
    current.data = {"only": "this"}
    out["replaced"] = core.replace_namespaced_config_map("cfg", NS, current).data
    out["duplicate"] = error_of(lambda: core.create_namespaced_config_map(NS, body))
    out["missing"] = error_of(lambda: core.read_namespaced_config_map("nope", NS))
    out["invalid"] = error_of(lambda: core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="Bad_Name"))))
    core.delete_namespaced_config_map("cfg", NS)
    out["deleted"] = error_of(lambda: core.read_namespaced_config_map("cfg", NS))["status"]
    return out


def watches(core):
    start = core.list_namespaced_config_map(NS).metadata.resource_version

    def mutate():
        other = client.CoreV1Api(client.ApiClient())
        time.sleep(0.3)
        other.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="w", labels={"w": "1"}), data={"v": "1"}))
        other.patch_namespaced_config_map("w", NS, {"data": {"v": "2"}})
        other.delete_namespaced_config_map("w", NS)

    thread = threading.Thread(target=mutate)
    thread.start()
    w = watch.Watch()
    live = events_of(w.stream(core.list_namespaced_config_map, NS, label_selector="w=1", resource_version=start, timeout_seconds=10), 3)
    w.stop()
    thread.join()
    # Resume from the version the first event carried: the rest is replayed, then timeout_seconds ends it.
    rvs = []
    w2 = watch.Watch()
    for e in w2.stream(core.list_namespaced_config_map, NS, label_selector="w=1", resource_version=start, timeout_seconds=2):
        rvs.append(e["object"].metadata.resource_version)
    t0 = time.time()
    resumed = events_of(watch.Watch().stream(core.list_namespaced_config_map, NS, label_selector="w=1", resource_version=rvs[0], timeout_seconds=1), 99)
    return {"live": live, "replayed_versions": len(rvs), "resumed": resumed, "timeout_ended_in": round(time.time() - t0, 1)}


def statefulsets(core, apps):
    container = client.V1Container(name="app", image="nginx:1.25", volume_mounts=[client.V1VolumeMount(name="www", mount_path="/www")])
    sts = client.V1StatefulSet(
        metadata=client.V1ObjectMeta(name="web"),
        spec=client.V1StatefulSetSpec(
            service_name="web", replicas=1, selector=client.V1LabelSelector(match_labels={"app": "web"}),
            template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels={"app": "web"}), spec=client.V1PodSpec(containers=[container])),
            volume_claim_templates=[client.V1PersistentVolumeClaim(
                metadata=client.V1ObjectMeta(name="www"),
                spec=client.V1PersistentVolumeClaimSpec(access_modes=["ReadWriteOnce"], resources=client.V1ResourceRequirements(requests={"storage": "1Gi"})))],
        ))
    apps.create_namespaced_stateful_set(NS, sts)
    out = {}
    # Watch the set until it reports one ready replica (an informer's way of waiting).
    for e in watch.Watch().stream(apps.list_namespaced_stateful_set, NS, timeout_seconds=30):
        if (e["object"].status.ready_replicas or 0) >= 1:
            out["ready_seen_by_watch"] = e["type"]
            break
    apps.patch_namespaced_stateful_set_scale("web", NS, {"spec": {"replicas": 2}})
    out["scale"] = apps.read_namespaced_stateful_set_scale("web", NS).spec.replicas
    wait_for("two ready", lambda: (apps.read_namespaced_stateful_set("web", NS).status.ready_replicas or 0) == 2)
    pods = core.list_namespaced_pod(NS, label_selector="app=web").items
    out["pods"] = sorted("%s %s %s" % (p.metadata.name, p.status.phase, p.spec.hostname) for p in pods)
    out["container_ready"] = [bool(p.status.container_statuses and p.status.container_statuses[0].ready) for p in pods]
    patched = apps.patch_namespaced_stateful_set("web", NS, {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1.26"}]}}}})
    out["patched_container"] = [patched.spec.template.spec.containers[0].image, patched.spec.template.spec.containers[0].volume_mounts[0].mount_path]
    wait_for("rolled", lambda: all(p.spec.containers[0].image == "nginx:1.26" and p.status.phase == "Running"
                                   for p in core.list_namespaced_pod(NS, label_selector="app=web").items) and
             len(core.list_namespaced_pod(NS, label_selector="app=web").items) == 2)
    out["rolled"] = True
    apps.delete_namespaced_stateful_set("web", NS, propagation_policy="Foreground")
    wait_for("pods gone", lambda: not core.list_namespaced_pod(NS).items)
    out["claims_after_delete"] = sorted("%s %s" % (c.metadata.name, c.status.phase) for c in core.list_namespaced_persistent_volume_claim(NS).items)
    return out


def pods_and_claims(core):
    out = {}
    pod = client.V1Pod(metadata=client.V1ObjectMeta(name="solo"), spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36")]))
    core.create_namespaced_pod(NS, pod)
    for e in watch.Watch().stream(core.list_namespaced_pod, NS, field_selector="metadata.name=solo", timeout_seconds=30):
        if e["object"].status.phase == "Running":
            out["solo_running_on"] = e["object"].spec.node_name
            break
    out["solo_labels"] = core.patch_namespaced_pod("solo", NS, {"metadata": {"labels": {"x": "y"}}}).metadata.labels
    out["immutable"] = error_of(lambda: core.patch_namespaced_pod("solo", NS, {"spec": {"restartPolicy": "Never"}}))
    core.delete_namespaced_pod("solo", NS)
    wait_for("solo gone", lambda: error_of(lambda: core.read_namespaced_pod("solo", NS))["status"] == 404)
    claim = client.V1PersistentVolumeClaim(metadata=client.V1ObjectMeta(name="data"), spec=client.V1PersistentVolumeClaimSpec(
        access_modes=["ReadWriteOnce"], resources=client.V1ResourceRequirements(requests={"storage": "2Gi"})))
    created = core.create_namespaced_persistent_volume_claim(NS, claim)
    out["claim"] = [created.spec.storage_class_name, created.status.phase]
    out["claim_labels"] = core.patch_namespaced_persistent_volume_claim("data", NS, {"metadata": {"labels": {"k": "v"}}}).metadata.labels
    core.delete_namespaced_persistent_volume_claim("data", NS)
    wait_for("claim gone", lambda: error_of(lambda: core.read_namespaced_persistent_volume_claim("data", NS))["status"] == 404)
    out["claim_deleted"] = True
    return out


def dynamic_client(api_client):
    dyn = dynamic.DynamicClient(api_client, cache_file=CACHE_DIR + "/discovery.json")
    out = {"lists": {}}
    for api_version, kind in [("v1", "Namespace"), ("v1", "Node"), ("v1", "Pod"), ("v1", "Service"), ("v1", "Endpoints"), ("v1", "Event"),
                              ("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "ServiceAccount"), ("v1", "PersistentVolume"),
                              ("v1", "PersistentVolumeClaim"), ("storage.k8s.io/v1", "StorageClass"), ("apps/v1", "StatefulSet"),
                              ("apps/v1", "ControllerRevision"), ("coordination.k8s.io/v1", "Lease")]:
        out["lists"][kind] = dyn.resources.get(api_version=api_version, kind=kind).get().kind
    cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "applied", "namespace": NS}, "data": {"a": "1"}}
    path = cms.path(name="applied", namespace=NS)

    def apply(obj, manager):
        # 22.x's server_side_apply() hands a dict to a REST layer that only serializes *json
        # content types; the request with the body already serialized is what works (JSON is YAML).
        return dyn.request("patch", path, body=json.dumps(obj), content_type="application/apply-patch+yaml", field_manager=manager)

    applied = apply(body, "py-dynamic")
    out["applied"] = [applied.data.a, [m.manager for m in applied.metadata.managedFields]]
    # Another manager setting the same field to another value conflicts (409), as upstream.
    out["conflict"] = error_of(lambda: apply(dict(body, data={"a": "changed"}), "py-other"))["status"]
    merged = cms.patch(body={"metadata": {"name": "applied"}, "data": {"a": None, "b": "2"}}, namespace=NS, content_type="application/merge-patch+json")
    out["merged"] = merged.to_dict()["data"]
    cms.delete(name="applied", namespace=NS)
    return out


def main():
    config.load_kube_config(config_file=KUBECONFIG)
    api_client = client.ApiClient()
    core, apps = client.CoreV1Api(api_client), client.AppsV1Api(api_client)
    results["version"] = client.VersionApi(api_client).get_code().git_version
    results["nodes"] = [n.metadata.name for n in core.list_node().items]
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
    for name, step in [("configmaps", lambda: configmaps(core)), ("watch", lambda: watches(core)),
                       ("statefulset", lambda: statefulsets(core, apps)), ("pods_claims", lambda: pods_and_claims(core)),
                       ("dynamic", lambda: dynamic_client(api_client))]:
        results[name] = step()
    core.delete_namespace(NS)
    results["namespace_gone"] = wait_for("namespace gone", lambda: error_of(lambda: core.read_namespace(NS))["status"] == 404)


try:
    main()
    print(json.dumps({"results": results}))
except Exception:
    print(json.dumps({"error": traceback.format_exc(), "results": results}, default=str))
    sys.exit(1)
