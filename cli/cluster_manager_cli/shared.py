"""What the command modules share: registering a command with the common
options, -c/-n, finding paths, confirmations and ``key=value`` arguments."""
import sys

import click

from cluster_manager_cli.errors import usage
from cluster_manager_cli.options import common, pass_state
from cluster_manager_cli.output import emit


def in_cluster(f):
    """-c/--cluster (name or id; default $CM_CLUSTER)."""
    return click.option("-c", "--cluster", "cluster_ref", envvar="CM_CLUSTER", required=True,
                        metavar="CLUSTER", help="The cluster's name or id ($CM_CLUSTER).")(f)


def in_namespace(f):
    """-c/--cluster and -n/--namespace (default $CM_CLUSTER, $CM_NAMESPACE)."""
    f = click.option("-n", "--namespace", envvar="CM_NAMESPACE", required=True, metavar="NAME",
                     help="The namespace ($CM_NAMESPACE).")(f)
    return in_cluster(f)


def leaf(group, name: str, scope: str | None = None):
    """Register a command on ``group`` with the shared options, the State as
    first argument and, per ``scope`` ("cluster" or "namespace"), -c/-n."""
    def decorate(f):
        f = common(pass_state(f))
        if scope == "namespace":
            f = in_namespace(f)
        elif scope == "cluster":
            f = in_cluster(f)
        return (group.command if group is not None else click.command)(name)(f)
    return decorate


def list_command(group, template: str, columns: list[str], id_key: str, doc: str):
    """``GROUP list -c C -n NS``: every page of a namespace's collection."""
    def run(state, cluster_ref, namespace):
        items = state.api().all_pages(ns_path(state, template, cluster_ref, namespace))
        emit(state, items, columns=columns, id_key=id_key)
    run.__doc__ = doc
    return leaf(group, "list", "namespace")(run)


def cid(state, ref):
    from cluster_manager_cli import resolve

    return resolve.cluster_id(state.api(), ref)


def ns_path(state, template, cluster_ref, namespace, **more):
    api = state.api()
    return api.path(template, cluster=cid(state, cluster_ref), namespace=namespace, **more)


def confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise usage(f"{question} Pass --yes to confirm when not running in a terminal.")
    click.confirm(question, abort=True, err=True)


def parse_assignments(pairs, *, what: str) -> dict:
    """``key=value`` arguments; values are YAML scalars (``5432`` is a number,
    ``true`` a boolean); ``key_from_env=VAR`` and ``key_from_file=PATH`` read
    a secret from the environment or a file instead of the command line."""
    import yaml

    from cluster_manager_cli.secrets import SecretSourceError, read_secret

    out = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise usage(f"{what}: expected key=value, got {pair!r}.")
        for suffix in ("_from_env", "_from_file"):
            if key.endswith(suffix):
                try:
                    out[key[: -len(suffix)]] = read_secret(suffix[1:], raw, base=None)
                except SecretSourceError as exc:
                    raise usage(f"{what}: {key}: {exc}") from None
                break
        else:
            try:
                value = yaml.safe_load(raw) if raw else ""
            except yaml.YAMLError:
                value = raw
            out[key] = value if isinstance(value, (int, float, bool)) or value is None else raw
    return out
