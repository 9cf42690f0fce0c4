"""The commands of every API resource group (``groups``), loaded only when one
of those groups runs.  Each command's help says what it does in one line and
shows an example."""
import sys

import click

from cluster_manager_cli import paths as P
from cluster_manager_cli.errors import usage
from cluster_manager_cli.groups import (
    agent_credentials,
    clusters,
    commands_group,
    config_group,
    environments,
    installation,
    invitations,
    members,
    namespaces,
    operate,
    plans,
)
from cluster_manager_cli.output import emit, note
from cluster_manager_cli.shared import (
    cid,
    confirm,
    leaf,
    list_command,
    ns_path,
    parse_assignments,
)

CLUSTER_COLUMNS = ["cluster_id", "name", "type", "platform", "my_role", "description"]
NAMESPACE_COLUMNS = ["name", "installation_type", "status", "runtime_seconds", "last_seen"]
PLAN_COLUMNS = ["name", "kind", "type", "active", "settings"]
MEMBER_COLUMNS = ["email", "role", "rights", "status", "invitation_expires_at"]
ENV_COLUMNS = ["name", "state", "step", "attempt", "database_plan", "storage_plan", "last_error"]
COMMAND_COLUMNS = ["command_id", "type", "state", "created_at", "finished_at", "error"]


# --- clusters -------------------------------------------------------------------



@leaf(clusters, "list")
def clusters_list(state):
    """List the clusters you created or belong to.

    \b
    Example:  cluster-manager clusters list -o json
    """
    emit(state, state.api().all_pages(P.CLUSTERS), columns=CLUSTER_COLUMNS, id_key="cluster_id")


@leaf(clusters, "get")
@click.argument("cluster_ref", metavar="CLUSTER")
def clusters_get(state, cluster_ref):
    """Show one cluster (by name or id) with its namespaces.

    \b
    Example:  cluster-manager clusters get prod
    """
    api = state.api()
    item = api.get(api.path(P.CLUSTER, cluster=cid(state, cluster_ref)))
    emit(state, item, columns=CLUSTER_COLUMNS, id_key="cluster_id")


@leaf(clusters, "create")
@click.argument("name")
@click.option("--type", "type_", type=click.Choice(["openshift", "kubernetes"]), required=True,
              help="The platform type.")
@click.option("--description", help="A free text.")
@click.option("--platform", type=click.Choice(["generic", "eks", "aks", "gke"]),
              help="Where it runs ('eks' enables AWS ECR registries).")
def clusters_create(state, name, type_, description, platform):
    """Register a cluster.

    \b
    Example:  cluster-manager clusters create prod --type openshift --description "Main"
    """
    body = {"name": name, "type": type_}
    if description is not None:
        body["description"] = description
    if platform:
        body["platform"] = platform
    emit(state, state.api().post(P.CLUSTERS, body), columns=CLUSTER_COLUMNS, id_key="cluster_id")


@leaf(clusters, "update")
@click.argument("cluster_ref", metavar="CLUSTER")
@click.option("--name", help="A new name.")
@click.option("--description", help="A new description.")
def clusters_update(state, cluster_ref, name, description):
    """Rename a cluster or change its description.

    \b
    Example:  cluster-manager clusters update prod --name production
    """
    body = {k: v for k, v in (("name", name), ("description", description)) if v is not None}
    if not body:
        raise usage("Give --name and/or --description.")
    api = state.api()
    emit(state, api.patch(api.path(P.CLUSTER, cluster=cid(state, cluster_ref)), body),
         columns=CLUSTER_COLUMNS, id_key="cluster_id")


WITH_ENVIRONMENTS = click.option(
    "--with-environments", is_flag=True,
    help="Remove it even though it has environments: they keep running on the platform and "
         "nothing is deprovisioned (the API's ?confirm=true).")


def _confirmed(with_environments: bool) -> dict | None:
    return {"confirm": "true"} if with_environments else None


@leaf(clusters, "delete")
@click.argument("cluster_ref", metavar="CLUSTER")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@WITH_ENVIRONMENTS
def clusters_delete(state, cluster_ref, yes, with_environments):
    """Remove a cluster and everything under it from the manager (the platform is untouched).

    \b
    Example:  cluster-manager clusters delete old-test --yes
    """
    api = state.api()
    cluster_id = cid(state, cluster_ref)
    confirm(yes, f"Remove cluster {cluster_ref!r} and all its namespaces from the manager?")
    emit(state, api.delete(api.path(P.CLUSTER, cluster=cluster_id),
                           params=_confirmed(with_environments)),
         id_key="cluster_id", columns=["cluster_id", "deleted", "message"])


# --- namespaces -----------------------------------------------------------------



@leaf(namespaces, "list", "cluster")
def namespaces_list(state, cluster_ref):
    """List a cluster's namespaces with their connection status.

    \b
    Example:  cluster-manager namespaces list -c prod
    """
    api = state.api()
    items = api.all_pages(api.path(P.NAMESPACES, cluster=cid(state, cluster_ref)))
    emit(state, items, columns=NAMESPACE_COLUMNS, id_key="name")


@leaf(namespaces, "get", "cluster")
@click.argument("name")
def namespaces_get(state, cluster_ref, name):
    """Show a namespace: status, last_seen, connected_since, runtime.

    \b
    Example:  cluster-manager namespaces get -c prod team-a
    """
    emit(state, state.api().get(ns_path(state, P.NAMESPACE, cluster_ref, name)),
         columns=NAMESPACE_COLUMNS, id_key="name")


@leaf(namespaces, "create", "cluster")
@click.argument("name")
@click.option("--installation-type", type=click.Choice(["connected", "standalone"]),
              default="connected", show_default=True, help="How its agent is installed.")
def namespaces_create(state, cluster_ref, name, installation_type):
    """Add a namespace to a cluster; it then waits for its agent.

    \b
    Example:  cluster-manager namespaces create -c prod team-a
    """
    api = state.api()
    path = api.path(P.NAMESPACES, cluster=cid(state, cluster_ref))
    emit(state, api.post(path, {"name": name, "installation_type": installation_type}),
         columns=NAMESPACE_COLUMNS, id_key="name")


@leaf(namespaces, "delete", "cluster")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@WITH_ENVIRONMENTS
def namespaces_delete(state, cluster_ref, name, yes, with_environments):
    """Remove a namespace from the manager (refused while it has environments).

    \b
    Example:  cluster-manager namespaces delete -c prod team-a --yes
    """
    path = ns_path(state, P.NAMESPACE, cluster_ref, name)
    confirm(yes, f"Remove namespace {name!r} from the manager?")
    state.api().delete(path, params=_confirmed(with_environments))
    if not state.quiet and state.output == "table":
        note(f"namespace {name} removed")


# --- installation, agent credentials --------------------------------------------



def _installation(state, cluster_ref, namespace):
    return state.api().get(ns_path(state, P.NAMESPACE + "/installation", cluster_ref, namespace))


@leaf(installation, "script", "namespace")
def installation_script(state, cluster_ref, namespace):
    """Print the installation command (bash) to run where kubectl/oc is signed in.

    \b
    Example:  cluster-manager installation script -c prod -n team-a > install.sh
    """
    data = _installation(state, cluster_ref, namespace)
    if state.output != "table":
        emit(state, {"installation_script": data["installation_script"]})
    else:
        click.echo(data["installation_script"], nl=not data["installation_script"].endswith("\n"))


@leaf(installation, "reconfiguration-script", "namespace")
@click.option("-f", "--file", "path", type=click.Path(dir_okay=False, writable=True),
              required=True, help="Where to write the script.")
def installation_reconfiguration(state, cluster_ref, namespace, path):
    """Write the namespace's reconfiguration script (interactive bash) to a file.

    \b
    Example:  cluster-manager installation reconfiguration-script -c prod -n team-a \\
                  -f reconfigure.sh
    """
    import os

    script = _installation(state, cluster_ref, namespace)["reconfiguration_script"]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o700)
    with os.fdopen(fd, "w") as f:
        f.write(script)
    if not state.quiet:
        note(f"wrote {path}; run it with: bash {path}")


@leaf(installation, "parameters", "namespace")
def installation_parameters(state, cluster_ref, namespace):
    """Show the agent's parameters (API URL, namespace id, secret, images).

    \b
    Example:  cluster-manager installation parameters -c prod -n team-a -o json
    """
    params = _installation(state, cluster_ref, namespace)["parameters"]
    emit(state, params, columns=list(params), id_key="namespace_id")




@leaf(agent_credentials, "rotate", "namespace")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def credentials_rotate(state, cluster_ref, namespace, yes):
    """Issue a new agent secret; the old one stops working.

    \b
    Example:  cluster-manager agent-credentials rotate -c prod -n team-a --yes
    """
    path = ns_path(state, P.NAMESPACE + "/agent-credentials/rotate", cluster_ref, namespace)
    confirm(yes, f"Rotate the agent credentials of {namespace!r}? The running agent must be "
                 "reconfigured with the new secret.")
    result = state.api().post(path)
    emit(state, result, columns=list(result), id_key="agent_secret")


# --- configuration sections -----------------------------------------------------



@leaf(config_group, "show", "namespace")
@click.argument("section", required=False,
                type=click.Choice(["ingress", "registry", "proxy"]))
def config_show(state, cluster_ref, namespace, section):
    """Show every section and plan of a namespace, or one section (secrets as ***).

    \b
    Example:  cluster-manager config show -c prod -n team-a ingress
    """
    api = state.api()
    if section:
        item = api.get(ns_path(state, P.SECTION, cluster_ref, namespace, section=section))
        emit(state, item, columns=["section", "settings", "updated_at", "updated_by"],
             id_key="section")
        return
    data = api.get(ns_path(state, P.CONFIGURATION, cluster_ref, namespace))
    if state.output != "table" or state.quiet:
        emit(state, data)
        return
    rows = [{"section": k, "settings": v["settings"], "updated_at": v["updated_at"]}
            for k, v in data["sections"].items()]
    from cluster_manager_cli.output import table

    click.echo(table(rows, ["section", "settings", "updated_at"]) if rows else "(no sections)")


@leaf(config_group, "set", "namespace")
@click.argument("section", type=click.Choice(["ingress", "registry", "proxy"]))
@click.argument("settings", nargs=-1, metavar="KEY=VALUE...")
def config_set(state, cluster_ref, namespace, section, settings):
    """Set a configuration section (replaces it); secrets with KEY_from_env=VAR.

    \b
    Example:  cluster-manager config set -c prod -n team-a ingress type=ingress \\
                  domain=apps.example.com tls=true
              cluster-manager config set -c prod -n team-a registry type=generic_auth \\
                  pull_url=registry.example.com/apps name=bot secret_from_env=REG_SECRET
    """
    body = parse_assignments(settings, what=f"config set {section}")
    api = state.api()
    result = api.put(ns_path(state, P.SECTION, cluster_ref, namespace, section=section), body)
    if state.output == "table" and not state.quiet:
        note(f"{section}: {result.get('result', 'saved')}")
    emit(state, result, columns=["section", "result", "settings"], id_key="section")


# --- plans ------------------------------------------------------------------------



list_command(plans, P.PLANS, PLAN_COLUMNS, "name", """\
    List the namespace's plans, active or not (secrets as ***).

    \b
    Example:  cluster-manager plans list -c prod -n team-a
    """)


@leaf(plans, "set", "namespace")
@click.argument("name")
@click.option("--kind", type=click.Choice(["database", "storage"]), required=True)
@click.option("--type", "type_", required=True, help="postgres, ephemeral, minio, s3, …")
@click.argument("settings", nargs=-1, metavar="KEY=VALUE...")
def plans_set(state, cluster_ref, namespace, name, kind, type_, settings):
    """Create a plan, or update it when the name exists; secrets with KEY_from_env=VAR.

    \b
    Example:  cluster-manager plans set -c prod -n team-a pg --kind database --type postgres \\
                  host=db.example.com port=5432 database=apps user=mx password_from_env=PG_PASSWORD
    """
    body = {"name": name, "kind": kind, "type": type_,
            **parse_assignments(settings, what=f"plans set {name}")}
    result = state.api().post(ns_path(state, P.PLANS, cluster_ref, namespace), body)
    if state.output == "table" and not state.quiet:
        note(f"plan {name}: {result['result']}")
    emit(state, result, columns=PLAN_COLUMNS, id_key="name")


@leaf(plans, "add-existing", "namespace")
@click.argument("name")
def plans_add_existing(state, cluster_ref, namespace, name):
    """Add a plan that exists in another namespace of the cluster, by name.

    \b
    Example:  cluster-manager plans add-existing -c prod -n team-b shared-pg
    """
    result = state.api().post(ns_path(state, P.PLANS, cluster_ref, namespace), {"existing": name})
    if state.output == "table" and not state.quiet:
        note(f"plan {name}: {result['result']}")
    emit(state, result, columns=PLAN_COLUMNS, id_key="name")


def _toggle(state, cluster_ref, namespace, name, active):
    path = ns_path(state, P.PLAN, cluster_ref, namespace, plan=name)
    emit(state, state.api().patch(path, {"active": active}), columns=PLAN_COLUMNS, id_key="name")


@leaf(plans, "activate", "namespace")
@click.argument("name")
def plans_activate(state, cluster_ref, namespace, name):
    """Let new environments use a plan again.

    \b
    Example:  cluster-manager plans activate -c prod -n team-a pg
    """
    _toggle(state, cluster_ref, namespace, name, True)


@leaf(plans, "deactivate", "namespace")
@click.argument("name")
def plans_deactivate(state, cluster_ref, namespace, name):
    """Stop new environments from using a plan (existing ones keep it).

    \b
    Example:  cluster-manager plans deactivate -c prod -n team-a pg
    """
    _toggle(state, cluster_ref, namespace, name, False)


# --- members, invitations ---------------------------------------------------------


RIGHTS_HELP = ("Comma-separated rights for role custom: manage_environment, deploy_app, "
               "scale_app, edit_app_constants, manage_scheduled_events, view_logs, view_alerts, "
               "view_metrics, manage_backups.")


def role_options(f):
    """--role and --rights (see ``role_body``)."""
    f = click.option("--rights", help=RIGHTS_HELP)(f)
    return click.option("--role", type=click.Choice(["developer", "administrator", "custom"]),
                        required=True)(f)


def role_body(role: str, rights: str | None) -> dict:
    if rights is None:
        return {"role": role}
    return {"role": role, "rights": [r.strip() for r in rights.split(",") if r.strip()]}


list_command(members, P.MEMBERS, MEMBER_COLUMNS, "email", """\
    List members and pending invitations.

    \b
    Example:  cluster-manager members list -c prod -n team-a
    """)


@leaf(members, "invite", "namespace")
@click.argument("email")
@role_options
def members_invite(state, cluster_ref, namespace, email, role, rights):
    """Invite someone by email (they get a single-use link).

    \b
    Example:  cluster-manager members invite -c prod -n team-a bob@example.com --role developer
    """
    body = {"email": email, **role_body(role, rights)}
    emit(state, state.api().post(ns_path(state, P.MEMBERS, cluster_ref, namespace), body),
         columns=MEMBER_COLUMNS + ["invitation"], id_key="email")


@leaf(members, "edit", "namespace")
@click.argument("email")
@role_options
def members_edit(state, cluster_ref, namespace, email, role, rights):
    """Change a member's role or rights.

    \b
    Example:  cluster-manager members edit -c prod -n team-a bob@example.com --role custom \\
                  --rights view_logs,view_metrics
    """
    body = role_body(role, rights)
    path = ns_path(state, P.MEMBER, cluster_ref, namespace, email=email)
    emit(state, state.api().patch(path, body), columns=MEMBER_COLUMNS, id_key="email")


@leaf(members, "remove", "namespace")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def members_remove(state, cluster_ref, namespace, email, yes):
    """Remove a member (or withdraw an invitation).

    \b
    Example:  cluster-manager members remove -c prod -n team-a bob@example.com --yes
    """
    path = ns_path(state, P.MEMBER, cluster_ref, namespace, email=email)
    confirm(yes, f"Remove {email} from namespace {namespace!r}?")
    state.api().delete(path, params={"confirm": "true"})
    if state.output == "table" and not state.quiet:
        note(f"{email} removed from {namespace}")




@leaf(invitations, "accept")
@click.argument("invitation")
def invitations_accept(state, invitation):
    """Accept an invitation: its link from the mail, or the token in it (as the invited email).

    \b
    Example:  cluster-manager invitations accept https://cm.example.com/invitations/6f1c…
              cluster-manager invitations accept -- 6f1c…   (-- as tokens may start with -)
    """
    token = invitation.rstrip("/").rsplit("/invitations/", 1)[-1].split("/")[0]
    api = state.api()
    result = api.post(api.path("/invitations/{token}/accept", token=token))
    emit(state, result, columns=["cluster_id", "namespace", "role", "rights", "message"],
         id_key="namespace")


# --- operate ------------------------------------------------------------------------

URL_KEYS = ("metrics_url", "alerts_url", "logs_url", "backups_url")


@leaf(operate, "show", "namespace")
def operate_show(state, cluster_ref, namespace):
    """Show the operate URLs.

    \b
    Example:  cluster-manager operate show -c prod -n team-a
    """
    item = state.api().get(ns_path(state, P.OPERATE, cluster_ref, namespace))
    emit(state, item, columns=list(item), id_key="metrics_url")


@leaf(operate, "set", "namespace")
@click.option("--metrics-url")
@click.option("--alerts-url")
@click.option("--logs-url")
@click.option("--backups-url")
def operate_set(state, cluster_ref, namespace, **urls):
    """Set some operate URLs (the others stay; pass "" to clear one).

    \b
    Example:  cluster-manager operate set -c prod -n team-a --logs-url https://logs.example.com
    """
    if all(v is None for v in urls.values()):
        raise usage("Give at least one of --metrics-url, --alerts-url, --logs-url, --backups-url.")
    api = state.api()
    path = ns_path(state, P.OPERATE, cluster_ref, namespace)
    current = api.get(path)
    body = {k: current.get(k) for k in URL_KEYS}
    body.update({k: (v or None) for k, v in urls.items() if v is not None})
    item = api.put(path, body)
    emit(state, item, columns=list(item), id_key="metrics_url")


# --- environments -------------------------------------------------------------------



def _after_wait(state, code, item, columns):
    if item is not None:
        emit(state, item, columns=columns, id_key="name")
    sys.exit(code)


def _environment_outcome(state, api, item, where: tuple, wait: bool, timeout: float,
                         gone_ok: bool = False):
    """Show the environment as answered, or wait for its final state (``where`` is
    cluster id, namespace, name) and exit with that state's code."""
    from cluster_manager_cli import waiting

    if not wait:
        emit(state, item, columns=ENV_COLUMNS, id_key="name")
        return
    code, item = waiting.environment(api, *where, gone_ok=gone_ok, timeout=timeout)
    _after_wait(state, code, item, ENV_COLUMNS)


WAIT = click.option("--wait", is_flag=True, help="Show progress until it ends; exit 0 when it "
                                                 "succeeds, 1 when it fails.")
TIMEOUT = click.option("--timeout", type=float, default=900, show_default=True,
                       help="Seconds --wait waits at most.")


list_command(environments, P.ENVIRONMENTS, ENV_COLUMNS, "name", """\
    List the namespace's environments and their provisioning state.

    \b
    Example:  cluster-manager environments list -c prod -n team-a
    """)


@leaf(environments, "get", "namespace")
@click.argument("name")
def environments_get(state, cluster_ref, namespace, name):
    """Show one environment: state, step, attempt, last error, next retry.

    \b
    Example:  cluster-manager environments get -c prod -n team-a shop
    """
    emit(state, state.api().get(ns_path(state, P.ENVIRONMENT, cluster_ref, namespace, env=name)),
         columns=list(ENV_COLUMNS) + ["next_retry_at"], id_key="name")


@leaf(environments, "create", "namespace")
@click.argument("name")
@click.option("--database-plan", required=True, help="An active database plan.")
@click.option("--storage-plan", required=True, help="An active storage plan.")
@click.option("--app", help="The app's name (default: the environment's).")
@WAIT
@TIMEOUT
def environments_create(state, cluster_ref, namespace, name, database_plan, storage_plan, app,
                        wait, timeout):
    """Create an environment; its database and storage are provisioned (retried on failure).

    \b
    Example:  cluster-manager environments create -c prod -n team-a shop \\
                  --database-plan pg --storage-plan files --wait
    """
    from cluster_manager_cli import resolve

    api = state.api()
    cluster_id = resolve.cluster_id(api, cluster_ref)
    body = {"name": name, "database_plan": database_plan, "storage_plan": storage_plan}
    if app:
        body["app"] = app
    item = api.post(api.path(P.ENVIRONMENTS, cluster=cluster_id, namespace=namespace), body)
    _environment_outcome(state, api, item, (cluster_id, namespace, name), wait, timeout)


@leaf(environments, "delete", "namespace")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@WAIT
@TIMEOUT
def environments_delete(state, cluster_ref, namespace, name, yes, wait, timeout):
    """Delete an environment; its storage is deprovisioned.

    \b
    Example:  cluster-manager environments delete -c prod -n team-a shop --yes --wait
    """
    from cluster_manager_cli import resolve

    api = state.api()
    cluster_id = resolve.cluster_id(api, cluster_ref)
    confirm(yes, f"Delete environment {name!r} and deprovision its database and storage?")
    item = api.delete(api.path(P.ENVIRONMENT, cluster=cluster_id, namespace=namespace, env=name))
    _environment_outcome(state, api, item, (cluster_id, namespace, name), wait, timeout,
                         gone_ok=True)


@leaf(environments, "retry", "namespace")
@click.argument("name")
@WAIT
@TIMEOUT
def environments_retry(state, cluster_ref, namespace, name, wait, timeout):
    """Start provisioning again after it failed for good.

    \b
    Example:  cluster-manager environments retry -c prod -n team-a shop --wait
    """
    from cluster_manager_cli import resolve

    api = state.api()
    cluster_id = resolve.cluster_id(api, cluster_ref)
    item = api.post(api.path(P.ENVIRONMENT + "/retry-provisioning", cluster=cluster_id,
                             namespace=namespace, env=name))
    _environment_outcome(state, api, item, (cluster_id, namespace, name), wait, timeout)


# --- commands -----------------------------------------------------------------------



@leaf(commands_group, "send", "namespace")
@click.argument("type_", metavar="TYPE")
@click.option("--payload", help="Type-specific arguments as JSON.")
@WAIT
@TIMEOUT
def commands_send(state, cluster_ref, namespace, type_, payload, wait, timeout):
    """Send a command (e.g. ping) to the namespace's agent.

    \b
    Example:  cluster-manager commands send -c prod -n team-a ping --wait
    """
    import json

    from cluster_manager_cli import resolve, waiting

    body = {"type": type_}
    if payload:
        try:
            body["payload"] = json.loads(payload)
        except ValueError as exc:
            raise usage(f"--payload is not JSON: {exc}") from None
    api = state.api()
    cluster_id = resolve.cluster_id(api, cluster_ref)
    item = api.post(api.path(P.COMMANDS, cluster=cluster_id, namespace=namespace), body)
    if not wait:
        emit(state, item, columns=COMMAND_COLUMNS, id_key="command_id")
        return
    code, item = waiting.command(api, cluster_id, namespace, item["command_id"], timeout=timeout)
    emit(state, item, columns=COMMAND_COLUMNS + ["result"], id_key="command_id")
    sys.exit(code)


list_command(commands_group, P.COMMANDS, COMMAND_COLUMNS, "command_id", """\
    List the commands sent to the namespace, newest first.

    \b
    Example:  cluster-manager commands list -c prod -n team-a -o yaml
    """)


@leaf(commands_group, "get", "namespace")
@click.argument("command_id")
def commands_get(state, cluster_ref, namespace, command_id):
    """Show one command with its result.

    \b
    Example:  cluster-manager commands get -c prod -n team-a 01J…
    """
    path = ns_path(state, P.COMMAND, cluster_ref, namespace, command=command_id)
    emit(state, state.api().get(path), columns=COMMAND_COLUMNS + ["result"], id_key="command_id")
