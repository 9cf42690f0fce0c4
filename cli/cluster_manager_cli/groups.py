"""The resource groups, cheap to build: their commands (``commands``) are
imported only when a group is listed or run, so ``cluster-manager --help``
stays fast.  The root-level ``activity`` and ``catalogue`` live here too."""
import click

from cluster_manager_cli import paths as P
from cluster_manager_cli.output import emit
from cluster_manager_cli.shared import cid, leaf


class Lazy(click.Group):
    """A group whose commands are registered by importing ``commands``."""

    def _load(self):
        import cluster_manager_cli.commands  # noqa: F401 (registers the commands)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        self._load()
        return super().get_command(ctx, name)


def group(name, help_text):
    return Lazy(name, help=help_text)


clusters = group("clusters", "Register, list, rename and remove clusters.")
namespaces = group("namespaces", "Add, list, inspect and remove a cluster's namespaces.")
installation = group("installation", "The installation script, reconfiguration script and "
                                     "agent parameters of a namespace.")
agent_credentials = group("agent-credentials", "The namespace agent's own credentials.")
config_group = group("config", "A namespace's configuration sections: ingress, registry, proxy.")
plans = group("plans", "A namespace's database and storage plans.")
members = group("members", "Who may do what in a namespace: invite, edit rights, remove.")
invitations = group("invitations", "Invitations you received.")
operate = group("operate", "A namespace's Metrics, Alerts, Logs and Backups links.")
environments = group("environments", "App environments: create (provisions storage), "
                                     "delete, retry.")
commands_group = group("commands", "Commands sent to a namespace's agent.")

ACTIVITY_COLUMNS = ["at", "actor", "action", "status", "namespace"]


# --- activity, catalogue ------------------------------------------------------------

@leaf(None, "activity", "cluster")
@click.option("-n", "--namespace", help="Only this namespace's activity.")
def activity(state, cluster_ref, namespace):
    """Show who changed what in a cluster or one namespace, newest first.

    \b
    Example:  cluster-manager activity -c prod -n team-a
    """
    api = state.api()
    template = (P.NAMESPACE if namespace else P.CLUSTER) + "/activity"
    path = api.path(template, cluster=cid(state, cluster_ref), namespace=namespace or "")
    emit(state, api.all_pages(path), columns=ACTIVITY_COLUMNS, id_key="activity_id")


@leaf(None, "catalogue")
@click.option("--refresh", is_flag=True, help="Fetch it again instead of using the cache.")
def catalogue(state, refresh):
    """Show the plan types and configuration sections the API knows, with their fields.

    \b
    Example:  cluster-manager catalogue -o json
    """
    from cluster_manager_cli.catalogue import fetch

    data = fetch(state.api(), refresh=refresh)
    if state.output != "table":
        emit(state, data)
        return
    rows = [{"what": f"plan {p['kind']}/{t['type']}",
             "fields": [f["name"] + ("*" if f.get("required") else "") for f in t["fields"]]}
            for p in data.get("plans", []) for t in p.get("types", [])]
    rows += [{"what": f"{s['section']} {s.get('discriminator')}={v['value']}",
              "fields": [f["name"] + ("*" if f.get("required") else "") for f in v["fields"]]}
             for s in data.get("sections", []) for v in s.get("variants", [])]
    from cluster_manager_cli.output import table

    click.echo(table(rows, ["what", "fields"]))
    click.echo("(* required)")

