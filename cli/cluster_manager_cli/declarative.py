"""``apply -f FILE`` and ``export CLUSTER``."""
import sys

import click

from cluster_manager_cli.errors import USAGE, CliError
from cluster_manager_cli.options import common, pass_state
from cluster_manager_cli.output import dump_json, dump_yaml, note


def _validate(state, path: str):
    """Read and check the file (GETs only): ``(api, desired)``."""
    from cluster_manager_cli import catalogue, resolve, spec

    try:
        data, base = spec.load(path)
    except spec.SpecError as exc:
        raise CliError("\n".join(exc.problems), USAGE) from None
    api = state.api()
    api.require_token()
    cat = catalogue.fetch(api)
    rights = {r["id"] for r in api.get("/roles", auth=True).get("rights", [])}
    existing = resolve.find_cluster(api, data["cluster"]) if isinstance(
        data.get("cluster"), str) else None
    if existing is None and data.get("type") is None and isinstance(data.get("cluster"), str):
        raise CliError(f"{path}: type: is required to create cluster {data['cluster']!r} "
                       "(openshift or kubernetes)", USAGE)
    try:
        desired = spec.check(data, cat, rights=rights, base=base,
                             cluster_type=(existing or {}).get("type"),
                             platform=(existing or {}).get("platform"))
    except spec.SpecError as exc:
        raise CliError(f"{path} is not valid ({len(exc.problems)} "
                       f"problem{'s' if len(exc.problems) > 1 else ''}); nothing was changed:\n"
                       + "\n".join(f"  {p}" for p in exc.problems), USAGE) from None
    return api, desired, existing


@click.command("apply")
@click.option("-f", "--file", "path", required=True, metavar="FILE",
              help="The cluster file (YAML); - reads stdin.")
@click.option("--dry-run", is_flag=True, help="Print the plan of changes; change nothing.")
@click.option("--prune", is_flag=True, help="Also remove what the file no longer lists "
                                            "(namespaces, members, operate URLs; plans are "
                                            "deactivated).")
@common
@pass_state
def apply(state, path, dry_run, prune):
    """Make a cluster match a file: prints the plan of changes, then applies it.

    The file names a cluster and lists its namespaces with their configuration
    sections, plans, members and operate URLs (`export` writes one).  Secrets
    come from the environment or files (password_from_env: PG_PASSWORD), never
    from the file.  The file is checked against the API's catalogue before any
    write; a second apply of the same file changes nothing.

    \b
    Example:  cluster-manager apply -f cluster.yaml --dry-run
              PG_PASSWORD=… cluster-manager apply -f cluster.yaml --prune
    """
    from cluster_manager_cli import planner

    api, desired, existing = _validate(state, path)
    plan = planner.Planner(api, desired, prune=prune, cluster=existing)
    changes = plan.plan()
    todo = [c for c in changes if c.action != "unchanged"]
    counts = planner.summary(changes)
    report = {"cluster": desired["cluster"], "dry_run": dry_run, "prune": prune,
              "summary": counts, "changes": [c.as_dict() for c in changes], "applied": []}
    people = state.output == "table"
    if people and not state.quiet:
        click.echo(planner.render(changes))
        click.echo(f"Plan: {counts['create']} to create, {counts['update']} to update, "
                   f"{counts['remove']} to remove, {counts['unchanged']} unchanged.")
    if todo and not dry_run:
        _execute(state, api, todo, report,
                 {"cluster_id": plan.cluster["cluster_id"] if plan.cluster else None})
    if not people:
        _emit(state, report)
    elif not todo:
        click.echo(f"No changes: cluster {desired['cluster']} matches {path}.")
    elif dry_run:
        click.echo("Dry run: nothing was changed.")
    else:
        click.echo(f"Applied {len(todo)} change{'s' if len(todo) != 1 else ''}.")


def _execute(state, api, todo: list, report: dict, ctx: dict) -> None:
    """Make the changes in order; on the first refusal, say exactly what was done."""
    people = state.output == "table"
    done = report["applied"]
    for change in todo:
        try:
            change.run(api, ctx)
        except CliError as exc:
            lines = [f"{change.what}: {change.action} failed: {exc.message}",
                     f"Applied {len(done)} of {len(todo)} changes before the failure"
                     + (":" if done else ".")]
            lines += [f"  {d['action']} {d['what']}" for d in done]
            lines.append(f"Not applied: {len(todo) - len(done)} (from {change.what} on); fix "
                         "the cause and run apply again.")
            if not people:
                _emit(state, {**report, "failed": {**change.as_dict(), "message": exc.message}})
            raise CliError("\n".join(lines), exc.code) from None
        done.append({"action": change.action, "what": change.what})
        if people and not state.quiet:
            click.echo(f"  done: {change.action} {change.what}")


def _emit(state, obj):
    click.echo(dump_json(obj) if state.output == "json" else dump_yaml(obj), nl=True)


def env_name(*parts: str) -> str:
    import re

    return re.sub(r"[^A-Z0-9]+", "_", "_".join(parts).upper()).strip("_")


def exported(api, cluster: dict) -> tuple[dict, list[str]]:
    """The cluster as an apply file, and the environment variables it names."""
    from cluster_manager_cli import paths as P

    variables: list[str] = []
    out = {"cluster": cluster["name"], "type": cluster["type"]}
    if cluster.get("platform"):
        out["platform"] = cluster["platform"]
    if cluster.get("description") is not None:
        out["description"] = cluster["description"]
    cid = cluster["cluster_id"]
    out["namespaces"] = [_export_namespace(api, cid, ns, variables)
                         for ns in api.all_pages(api.path(P.NAMESPACES, cluster=cid))]
    return out, variables


def _with_placeholders(base: dict, settings: dict, prefix: tuple, variables: list) -> dict:
    """``base`` plus the settings; a masked secret becomes ``<key>_from_env: NAME``."""
    body = dict(base)
    for key, value in settings.items():
        if value == "***":
            body[f"{key}_from_env"] = env_name(*prefix, key)
            variables.append(body[f"{key}_from_env"])
        elif value is not None:
            body[key] = value
    return body


def _export_namespace(api, cid: str, ns: dict, variables: list) -> dict:
    from cluster_manager_cli import paths as P
    from cluster_manager_cli.spec import OPERATE_KEYS

    where = {"cluster": cid, "namespace": ns["name"]}
    entry = {"name": ns["name"], "installation_type": ns["installation_type"]}
    config = api.get(api.path(P.CONFIGURATION, **where))
    sections = {name: _with_placeholders({}, item["settings"], (ns["name"], name), variables)
                for name, item in sorted(config["sections"].items())}
    if sections:
        entry["configuration"] = sections
    entry["plans"] = []
    for plan in sorted(config["plans"], key=lambda p: p["name"]):
        body = _with_placeholders({"name": plan["name"], "kind": plan["kind"],
                                   "type": plan["type"]}, plan["settings"],
                                  (ns["name"], plan["name"]), variables)
        if not plan["active"]:
            body["active"] = False
        entry["plans"].append(body)
    entry["members"] = [
        {"email": m["email"], "role": m["role"],
         **({"rights": sorted(m["rights"])} if m["role"] == "custom" else {})}
        for m in api.all_pages(api.path(P.MEMBERS, **where)) if m["status"] != "expired"]
    operate = api.get(api.path(P.OPERATE, **where))
    urls = {k: operate[k] for k in OPERATE_KEYS if operate.get(k)}
    if urls:
        entry["operate"] = urls
    return entry


@click.command("export")
@click.argument("cluster_ref", metavar="CLUSTER")
@click.option("-f", "--file", "path", metavar="FILE", help="Write here instead of stdout.")
@common
@pass_state
def export(state, cluster_ref, path):
    """Write a cluster's current state as an apply file (secrets as *_from_env placeholders).

    \b
    Example:  cluster-manager export prod -f cluster.yaml
    """
    from cluster_manager_cli import resolve

    api = state.api()
    data, variables = exported(api, resolve.cluster(api, cluster_ref))
    if state.output == "json":
        text = dump_json(data) + "\n"
    else:
        header = [f"# cluster-manager export of cluster {data['cluster']!r}.",
                  "# Apply it with: cluster-manager apply -f FILE"]
        if variables:
            header.append("# Secrets are never exported; set these environment variables first:")
            header += [f"#   {v}" for v in variables]
        text = "\n".join(header) + "\n" + dump_yaml(data)
    if path:
        with open(path, "w") as f:
            f.write(text)
        if not state.quiet:
            note(f"wrote {path}" + (f" ({len(variables)} secret variable(s) to set: "
                                    f"{', '.join(variables)})" if variables else ""))
    else:
        sys.stdout.write(text)
