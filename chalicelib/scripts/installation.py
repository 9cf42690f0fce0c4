"""The installation script: the Mendix Operator and Agent in one namespace.

Users paste this script into a bash terminal with administrator rights, so
it runs in a subshell (a failure must not close their terminal) and every
value in it is treated as hostile text.  Values used on a command line are
``shlex.quote``d; the Kubernetes objects are rendered as JSON and fed to
``apply -f -`` through a *quoted* heredoc, in which bash expands nothing.
That also keeps the agent secret off every command line (``ps`` never shows
it).  Every object is applied, never created blindly, so running the script
again converges instead of failing.
"""
import hashlib
import json
import shlex

from chalicelib.domain.names import dns1123_problem

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

ALL_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
READ_VERBS = ["get", "list", "watch"]
RULES = [
    {"apiGroups": [""], "resources": ["configmaps", "secrets", "services", "pods"],
     "verbs": ALL_VERBS},
    {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ_VERBS},
    {"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "verbs": ALL_VERBS},
    {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": READ_VERBS},
]

_END = "MANIFEST"  # heredoc terminator; indented JSON never has such a line


def render_installation_script(*, cluster_type: str, namespace: str, api_url: str,
                               namespace_id: str, agent_secret: str, heartbeat_seconds: int,
                               agent_image: str, operator_image: str) -> str:
    if cluster_type not in CLIS:
        raise ValueError(f"cluster_type must be one of {sorted(CLIS)}, not {cluster_type!r}")
    problem = dns1123_problem(namespace)
    if problem:  # it also appears in comments and messages, so it must be plain
        raise ValueError(f"namespace {namespace!r} {problem}")
    if isinstance(heartbeat_seconds, bool) or not isinstance(heartbeat_seconds, int) \
            or heartbeat_seconds < 1:
        raise ValueError(f"heartbeat_seconds must be a positive integer, not {heartbeat_seconds!r}")
    tool = CLIS[cluster_type]
    config = {"CM_API_URL": api_url, "CM_NAMESPACE_ID": namespace_id,
              "CM_AGENT_SECRET": agent_secret, "CM_HEARTBEAT_SECONDS": str(heartbeat_seconds)}
    # A changed configuration must restart the agent (it reads its env once);
    # an unchanged one must not, so the pod template carries the config's hash.
    config_hash = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    cli = tool["cli"]
    parts = [
        _prologue(tool, namespace, agent_image, operator_image),
        _check_cli(tool),
        _check_login(tool),
        _prepare_namespace(tool),
        _apply(cli, f"Storing the agent's parameters in the Secret {SECRET_NAME}",
               _secret(namespace, config)),
        _apply(cli, "Granting the operator and the agent their permissions in the namespace",
               _rbac(namespace)),
        _apply(cli, f"Deploying {OPERATOR} ($OPERATOR_IMAGE)",
               _deployment(namespace, OPERATOR, operator_image)),
        _apply(cli, f"Deploying {AGENT} ($AGENT_IMAGE)",
               _deployment(namespace, AGENT, agent_image, command=["python", "-m", "agent", "run"],
                           env_secret=SECRET_NAME, config_hash=config_hash)),
        _rollout(cli, OPERATOR),
        _rollout(cli, AGENT),
        _epilogue(),
    ]
    total = sum(part.startswith('step "') for part in parts)
    return "\n".join(parts).replace("@TOTAL_STEPS@", str(total))


# --- bash ---------------------------------------------------------------------

def _prologue(tool: dict, namespace: str, agent_image: str, operator_image: str) -> str:
    return f"""#!/usr/bin/env bash
# Cluster Manager installation script: installs the Mendix Operator and the
# Mendix Agent into {tool["place"]} {namespace} with {tool["cli"]}.
# Log in to the cluster first, then paste this script into bash.
# Running it again is safe: every object is applied, so it converges.

# A subshell: pasted into a terminal, a failure must neither close the
# terminal nor leave "set -e" behind in it.
(
set -euo pipefail
set -o errtrace  # run the ERR trap for failures inside functions too

NAMESPACE={shlex.quote(namespace)}
OPERATOR_IMAGE={shlex.quote(operator_image)}
AGENT_IMAGE={shlex.quote(agent_image)}
TOTAL_STEPS=@TOTAL_STEPS@
STEP_NUMBER=0
STEP="starting"
HINT=""

step() {{
  STEP_NUMBER=$((STEP_NUMBER + 1))
  STEP="$1"
  HINT="${{2:-}}"
  printf '[%s/%s] %s\\n' "$STEP_NUMBER" "$TOTAL_STEPS" "$STEP"
}}

say() {{
  printf '      %s\\n' "$1"
}}

fail() {{
  printf '\\nERROR: %s\\n' "$1" >&2
  exit 1
}}

# shellcheck disable=SC2329  # it runs from the ERR trap (shellcheck misses that in a subshell)
on_error() {{
  local code=$?
  printf '\\nERROR: step %s/%s "%s" failed (exit code %s).\\n' \\
    "$STEP_NUMBER" "$TOTAL_STEPS" "$STEP" "$code" >&2
  if [ -n "$HINT" ]; then
    printf '%s\\n' "$HINT" >&2
  fi
  printf 'Fix the cause shown above and run this script again: re-running it is safe.\\n' >&2
  exit "$code"
}}
trap on_error ERR
"""


def _check_cli(tool: dict) -> str:
    cli = tool["cli"]
    return f"""step "Checking that {cli} is installed"
if ! command -v {cli} >/dev/null 2>&1; then
  fail "{tool["title"]} is not installed or not on your PATH.
Install it (see {tool["install"]}), log in to your cluster, then run this script again."
fi
say "using $(command -v {cli})"
"""


def _check_login(tool: dict) -> str:
    if tool["cli"] == "oc":
        return """step "Checking that you are logged in to OpenShift"
if ! user=$(oc whoami 2>&1); then
  fail "You are not logged in to OpenShift (oc whoami: $user).
Log in first, e.g. oc login --token=<token> --server=https://api.<your-cluster>:6443
(OpenShift console: your user name > Copy Login Command > Display Token), then run this script again."
fi
say "logged in as $user"
"""
    # `auth can-i` works for every authenticated user (a self-review), so an
    # answer of yes/no proves the login; anything else is a connection error.
    return """step "Checking that you are logged in to the cluster"
access=$(kubectl auth can-i create deployments --namespace "$NAMESPACE" 2>&1) || true
case "$access" in
  yes)
    say "logged in; you may create deployments in namespace $NAMESPACE"
    ;;
  no)
    fail "You are logged in, but your account may not create deployments in namespace $NAMESPACE.
The installation needs administrator rights: log in as a cluster administrator, then run this script again."
    ;;
  *)
    fail "kubectl cannot reach the cluster, or you are not logged in:
$access
Log in first, e.g. kubectl config use-context <your-cluster> (EKS: aws eks update-kubeconfig --name <cluster>), then run this script again."
    ;;
esac
"""


def _prepare_namespace(tool: dict) -> str:
    cli, place = tool["cli"], tool["place"]
    create = ('oc new-project "$NAMESPACE" --skip-config-write >/dev/null' if cli == "oc"
              else 'kubectl create namespace "$NAMESPACE" >/dev/null')
    return f"""step "Preparing {place} $NAMESPACE"
if lookup=$({cli} get {place} "$NAMESPACE" -o name 2>&1); then
  say "using the existing {place} $NAMESPACE"
elif [[ "$lookup" == *NotFound* ]]; then
  {create}
  say "created {place} $NAMESPACE"
else
  fail "Cannot read {place} $NAMESPACE:
$lookup
If it belongs to someone else, ask for administrator rights on it, then run this script again."
fi
"""


def _apply(cli: str, title: str, manifest: dict) -> str:
    text = json.dumps(manifest, indent=2)
    assert f"\n{_END}\n" not in f"\n{text}\n"
    return f"""step "{title}"
{cli} apply --namespace "$NAMESPACE" -f - <<'{_END}'
{text}
{_END}
"""


def _rollout(cli: str, name: str) -> str:
    hint = (f"See why: {cli} get pods --namespace $NAMESPACE; "
            f"{cli} describe deployment/{name} --namespace $NAMESPACE; "
            f"{cli} logs deployment/{name} --namespace $NAMESPACE")
    return f"""step "Waiting for {name} to be ready (up to {ROLLOUT_TIMEOUT_SECONDS} s)" "{hint}"
{cli} rollout status deployment/{name} --namespace "$NAMESPACE" --timeout={ROLLOUT_TIMEOUT_SECONDS}s
"""


def _epilogue() -> str:
    return """printf '\\nThe Mendix Operator and the Mendix Agent are running in %s.\\n' "$NAMESPACE"
echo "Installation Successful"
)
"""


# --- Kubernetes objects ----------------------------------------------------------

def _metadata(namespace: str, name: str) -> dict:
    return {"name": name, "namespace": namespace, "labels": {
        "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "mendix",
        "app.kubernetes.io/managed-by": "cluster-manager"}}


def _secret(namespace: str, config: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": _metadata(namespace, SECRET_NAME), "stringData": config}


def _rbac(namespace: str) -> dict:
    """Each of the two gets its own ServiceAccount, Role and RoleBinding,
    limited to this namespace."""
    items = []
    for name in (OPERATOR, AGENT):
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


def _deployment(namespace: str, name: str, image: str, *, command: list | None = None,
                env_secret: str | None = None, config_hash: str | None = None) -> dict:
    container = {"name": name, "image": image,
                 "resources": {"requests": {"cpu": "50m", "memory": "64Mi"},
                               "limits": {"memory": "256Mi"}},
                 "securityContext": {"allowPrivilegeEscalation": False}}
    if command:
        container["command"] = command
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
