#!/usr/bin/env bash
# Cluster Manager installation script: installs the Mendix Operator (and, for
# a connected namespace, the Mendix Agent) into one namespace with kubectl/oc.
# Log in to the cluster first, then paste this script into bash.
# Running it again is safe: every object is applied, so it converges.

# A subshell: pasted into a terminal, a failure must neither close the
# terminal nor leave "set -e" behind in it.
(
set -euo pipefail
set -o errtrace  # run the ERR trap for failures inside functions too

# --- settings: Cluster Manager fills these in for your namespace ---
NAMESPACE="example"
CLI="kubectl"
PLACE="namespace"
CLI_TITLE="kubectl"
CLI_INSTALL_URL="https://kubernetes.io/docs/tasks/tools/#kubectl"
OPERATOR_IMAGE="registry.example.com/cluster-manager/agent:0.0.0"
AGENT_IMAGE="registry.example.com/cluster-manager/agent:0.0.0"
INSTALL_AGENT="yes"
WHY_NO_AGENT=""
ROLLOUT_TIMEOUT_SECONDS=300
SECRET_NAME="mendix-agent-config"
SECRET_MANIFEST='{}'
RBAC_MANIFEST='{}'
OPERATOR_MANIFEST='{}'
AGENT_MANIFEST='{}'
# --- end of settings ---

if [ "$INSTALL_AGENT" = "yes" ]; then TOTAL_STEPS=9; else TOTAL_STEPS=6; fi
STEP_NUMBER=0
STEP="starting"
HINT=""

step() {
  STEP_NUMBER=$((STEP_NUMBER + 1))
  STEP="$1"
  HINT="${2:-}"
  printf '[%s/%s] %s\n' "$STEP_NUMBER" "$TOTAL_STEPS" "$STEP"
}

say() {
  printf '      %s\n' "$1"
}

fail() {
  printf '\nERROR: %s\n' "$1" >&2
  exit 1
}

# shellcheck disable=SC2329  # it runs from the ERR trap (shellcheck misses that in a subshell)
on_error() {
  local code=$?
  printf '\nERROR: step %s/%s "%s" failed (exit code %s).\n' \
    "$STEP_NUMBER" "$TOTAL_STEPS" "$STEP" "$code" >&2
  if [ -n "$HINT" ]; then
    printf '%s\n' "$HINT" >&2
  fi
  printf 'Fix the cause shown above and run this script again: re-running it is safe.\n' >&2
  exit "$code"
}
trap on_error ERR

# apply TITLE MANIFEST: the manifest goes on stdin (printf is a shell builtin),
# so no value in it, the agent secret included, ever shows on a command line.
apply() {
  step "$1"
  printf '%s\n' "$2" | "$CLI" apply --namespace "$NAMESPACE" -f -
}

rollout() {
  step "Waiting for $1 to be ready (up to $ROLLOUT_TIMEOUT_SECONDS s)" \
    "See why: $CLI get pods --namespace $NAMESPACE; $CLI describe deployment/$1 --namespace $NAMESPACE; $CLI logs deployment/$1 --namespace $NAMESPACE"
  "$CLI" rollout status "deployment/$1" --namespace "$NAMESPACE" --timeout="${ROLLOUT_TIMEOUT_SECONDS}s"
}

if [ "$INSTALL_AGENT" != "yes" ]; then
  printf '%s\n\n' "$WHY_NO_AGENT"
fi

step "Checking that $CLI is installed"
if ! command -v "$CLI" >/dev/null 2>&1; then
  fail "$CLI_TITLE is not installed or not on your PATH.
Install it (see $CLI_INSTALL_URL), log in to your cluster, then run this script again."
fi
say "using $(command -v "$CLI")"

if [ "$CLI" = "oc" ]; then
  step "Checking that you are logged in to OpenShift"
  if ! user=$(oc whoami 2>&1); then
    fail "You are not logged in to OpenShift (oc whoami: $user).
Log in first, e.g. oc login --token=<token> --server=https://api.<your-cluster>:6443
(OpenShift console: your user name > Copy Login Command > Display Token), then run this script again."
  fi
  say "logged in as $user"
else
  # `auth can-i` works for every authenticated user (a self-review), so an
  # answer of yes/no proves the login; anything else is a connection error.
  step "Checking that you are logged in to the cluster"
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
fi

step "Preparing $PLACE $NAMESPACE"
if lookup=$("$CLI" get "$PLACE" "$NAMESPACE" -o name 2>&1); then
  say "using the existing $PLACE $NAMESPACE"
elif [[ "$lookup" == *NotFound* ]]; then
  if [ "$CLI" = "oc" ]; then
    oc new-project "$NAMESPACE" --skip-config-write >/dev/null
  else
    kubectl create namespace "$NAMESPACE" >/dev/null
  fi
  say "created $PLACE $NAMESPACE"
else
  fail "Cannot read $PLACE $NAMESPACE:
$lookup
If it belongs to someone else, ask for administrator rights on it, then run this script again."
fi

if [ "$INSTALL_AGENT" = "yes" ]; then
  apply "Storing the agent's parameters in the Secret $SECRET_NAME" "$SECRET_MANIFEST"
  apply "Granting the operator and the agent their permissions in the namespace" "$RBAC_MANIFEST"
else
  apply "Granting the operator its permissions in the namespace" "$RBAC_MANIFEST"
fi
apply "Deploying mendix-operator ($OPERATOR_IMAGE)" "$OPERATOR_MANIFEST"
if [ "$INSTALL_AGENT" = "yes" ]; then
  apply "Deploying mendix-agent ($AGENT_IMAGE)" "$AGENT_MANIFEST"
fi
rollout mendix-operator
if [ "$INSTALL_AGENT" = "yes" ]; then
  rollout mendix-agent
  printf '\nThe Mendix Operator and the Mendix Agent are running in %s.\n' "$NAMESPACE"
else
  printf '\nThe Mendix Operator is running in %s (standalone: no agent).\n' "$NAMESPACE"
fi
echo "Installation Successful"
)
