"""Printing results: a table for people, the API's objects unchanged for
scripts (``-o json`` / ``-o yaml``), ids only with ``--quiet``."""
import sys

import click


def dump_json(obj) -> str:
    import json

    return json.dumps(obj, indent=2, sort_keys=False, ensure_ascii=False)


def dump_yaml(obj) -> str:
    import yaml

    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, default_flow_style=False)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(_cell(v) for v in value) or "-"
    if isinstance(value, dict):
        return " ".join(f"{k}={_cell(v)}" for k, v in value.items() if v is not None) or "-"
    return str(value)


def table(rows: list[dict], columns: list[str]) -> str:
    cells = [[c.upper() for c in columns]] + [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
                     for r in cells)


def emit(state, obj, *, columns: list[str] | None = None, id_key: str | None = None) -> None:
    """Print ``obj`` (a dict or a list of dicts) as the user asked."""
    if state.output == "json":
        click.echo(dump_json(obj))
    elif state.output == "yaml":
        click.echo(dump_yaml(obj), nl=False)
    elif state.quiet:
        for row in obj if isinstance(obj, list) else [obj]:
            if row is not None and id_key:
                click.echo(row.get(id_key))
    elif obj is not None:
        click.echo(for_people(obj, columns))


def for_people(obj, columns: list[str] | None) -> str:
    """A table for a list, ``key  value`` lines for one object (nested lists as tables)."""
    if isinstance(obj, list):
        if not obj:
            return "(none)"
        return table(obj, columns) if columns else dump_yaml(obj).rstrip("\n")
    if not (isinstance(obj, dict) and columns):
        return dump_yaml(obj).rstrip("\n")
    width = max(len(k) for k in obj)
    lines = []
    for key, value in obj.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            lines.append("  " + table(value, list(value[0].keys())).replace("\n", "\n  "))
        else:
            lines.append(f"{key.ljust(width)}  {_cell(value)}")
    return "\n".join(lines)


def note(message: str) -> None:
    """A line for people on stderr (kept out of -o json/yaml output)."""
    click.echo(message, file=sys.stderr)
