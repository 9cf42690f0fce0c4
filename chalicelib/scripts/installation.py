"""The installation script: the Mendix Operator (and, for a connected
namespace, the Mendix Agent) in one namespace.

The bash lives in ``installation.sh`` next to this file, a complete script
that shellcheck checks as it is; rendering replaces only its settings block
(between ``# --- settings`` and ``# --- end of settings ---``) with this
namespace's values.  Users paste the result into a bash terminal with
administrator rights, so every value is treated as hostile text: each is
``shlex.quote``d, and the Kubernetes objects are JSON in single quotes, fed
to ``apply -f -`` through a builtin ``printf`` — so the agent secret never
shows on a command line.  Every object is applied, never created blindly,
so running the script again converges instead of failing.

Both Deployments run real code from the one image (``agent/Dockerfile``):
the agent (``python -m agent run``) and the operator (``python -m agent
operator``, which keeps checking the operator configuration the agent
applies).  A standalone namespace is not managed from Cluster Manager, so it
gets the operator only: no agent, no agent secret — and the script says why.
"""
import hashlib
import json
import re
import shlex
from pathlib import Path

from chalicelib.domain.names import dns1123_problem

TEMPLATE = Path(__file__).with_name("installation.sh")
SETTINGS = re.compile(r"^# --- settings[^\n]*\n.*?^# --- end of settings ---\n",
                      re.MULTILINE | re.DOTALL)
SECRET_NAME = "mendix-agent-config"
OPERATOR = "mendix-operator"
AGENT = "mendix-agent"
ROLLOUT_TIMEOUT_SECONDS = 300

CLIS = {
    "openshift": {
        "cli": "oc", "title": "the OpenShift CLI (oc)", "place": "project",
        "install": "https://docs.openshift.com/container-platform/latest/cli_reference/"
                   "openshift_cli/getting-started-cli.html",
    },
    "kubernetes": {
        "cli": "kubectl", "title": "kubectl", "place": "namespace",
        "install": "https://kubernetes.io/docs/tasks/tools/#kubectl",
    },
}

WHY_NO_AGENT = ("Namespace {namespace} is standalone: its environments are managed with the "
                "operator's own tools, not from Cluster Manager, so this script installs the "
                "Mendix Operator only (no Mendix Agent, and no agent credentials).")

ALL_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
READ_VERBS = ["get", "list", "watch"]
RULES = [
    {"apiGroups": [""], "resources": ["configmaps", "secrets", "services", "pods"],
     "verbs": ALL_VERBS},
    {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ_VERBS},
    {"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "verbs": ALL_VERBS},
    {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": READ_VERBS},
]


def render_installation_script(*, cluster_type: str, namespace: str, api_url: str,
                               namespace_id: str, agent_secret: str | None,
                               heartbeat_seconds: int, agent_image: str, operator_image: str,
                               installation_type: str = "connected") -> str:
    if cluster_type not in CLIS:
        raise ValueError(f"cluster_type must be one of {sorted(CLIS)}, not {cluster_type!r}")
    if installation_type not in ("connected", "standalone"):
        raise ValueError(f"installation_type must be connected or standalone, not "
                         f"{installation_type!r}")
    problem = dns1123_problem(namespace)
    if problem:  # it also appears in messages, so it must be plain
        raise ValueError(f"namespace {namespace!r} {problem}")
    if isinstance(heartbeat_seconds, bool) or not isinstance(heartbeat_seconds, int) \
            or heartbeat_seconds < 1:
        raise ValueError(f"heartbeat_seconds must be a positive integer, not {heartbeat_seconds!r}")
    tool = CLIS[cluster_type]
    connected = installation_type == "connected"
    values = {
        "NAMESPACE": namespace, "CLI": tool["cli"], "PLACE": tool["place"],
        "CLI_TITLE": tool["title"], "CLI_INSTALL_URL": tool["install"],
        "OPERATOR_IMAGE": operator_image, "AGENT_IMAGE": agent_image if connected else "",
        "INSTALL_AGENT": "yes" if connected else "no",
        "WHY_NO_AGENT": "" if connected else WHY_NO_AGENT.format(namespace=namespace),
        "ROLLOUT_TIMEOUT_SECONDS": str(ROLLOUT_TIMEOUT_SECONDS), "SECRET_NAME": SECRET_NAME,
        "SECRET_MANIFEST": "{}", "AGENT_MANIFEST": "{}",
        "RBAC_MANIFEST": _json(_rbac(namespace, (OPERATOR, AGENT) if connected else (OPERATOR,))),
        "OPERATOR_MANIFEST": _json(_deployment(namespace, OPERATOR, operator_image,
                                               command=["python", "-m", "agent", "operator"])),
    }
    if connected:
        config = {"CM_API_URL": api_url, "CM_NAMESPACE_ID": namespace_id,
                  "CM_AGENT_SECRET": agent_secret, "CM_HEARTBEAT_SECONDS": str(heartbeat_seconds)}
        # A changed configuration must restart the agent (it reads its env once);
        # an unchanged one must not, so the pod template carries the config's hash.
        config_hash = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
        values["SECRET_MANIFEST"] = _json(_secret(namespace, config))
        values["AGENT_MANIFEST"] = _json(_deployment(
            namespace, AGENT, agent_image, command=["python", "-m", "agent", "run"],
            env_secret=SECRET_NAME, config_hash=config_hash))
    settings = "# --- settings for this namespace (filled in by Cluster Manager) ---\n" + "".join(
        _assign(name, value) for name, value in values.items()) + "# --- end of settings ---\n"
    template = TEMPLATE.read_text()
    assert len(SETTINGS.findall(template)) == 1, "installation.sh lost its settings block"
    return SETTINGS.sub(lambda _m: settings, template)


def _assign(name: str, value: str) -> str:
    quoted = shlex.quote(value)
    # single-quoted text is data: "$" or "`" in it must not expand, and doesn't
    inert = "# shellcheck disable=SC2016  # data, not an expression\n" if any(
        c in value for c in "$`") else ""
    return f"{inert}{name}={quoted}\n"


def _json(manifest: dict) -> str:
    return json.dumps(manifest, indent=2)


# --- Kubernetes objects ----------------------------------------------------------

def _metadata(namespace: str, name: str) -> dict:
    return {"name": name, "namespace": namespace, "labels": {
        "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "mendix",
        "app.kubernetes.io/managed-by": "cluster-manager"}}


def _secret(namespace: str, config: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": _metadata(namespace, SECRET_NAME), "stringData": config}


def _rbac(namespace: str, names: tuple) -> dict:
    """Each gets its own ServiceAccount, Role and RoleBinding, limited to this namespace."""
    items = []
    for name in names:
        meta = _metadata(namespace, name)
        items += [
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta,
             "rules": RULES},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta,
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
             "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}]},
        ]
    return {"apiVersion": "v1", "kind": "List", "items": items}


def _deployment(namespace: str, name: str, image: str, *, command: list,
                env_secret: str | None = None, config_hash: str | None = None) -> dict:
    container = {"name": name, "image": image, "command": command,
                 "env": [{"name": "CM_NAMESPACE",
                          "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                 "resources": {"requests": {"cpu": "50m", "memory": "64Mi"},
                               "limits": {"memory": "256Mi"}},
                 "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True,
                                     "readOnlyRootFilesystem": True,
                                     "capabilities": {"drop": ["ALL"]}}}
    if env_secret:
        container["envFrom"] = [{"secretRef": {"name": env_secret}}]
    template_meta = {"labels": {"app.kubernetes.io/name": name}}
    if config_hash:
        template_meta["annotations"] = {"cluster-manager/config-hash": config_hash}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": _metadata(namespace, name),
        "spec": {
            "replicas": 1,
            "strategy": {"type": "Recreate"},  # never two of them at once
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {"metadata": template_meta,
                         "spec": {"serviceAccountName": name, "containers": [container]}},
        },
    }
