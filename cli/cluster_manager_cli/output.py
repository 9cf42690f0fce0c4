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
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells)


def emit(state, obj, *, columns: list[str] | None = None, id_key: str | None = None,
         text: str | None = None) -> None:
    """Print ``obj`` (a dict or a list of dicts) as the user asked."""
    if state.output == "json":
        click.echo(dump_json(obj))
        return
    if state.output == "yaml":
        click.echo(dump_yaml(obj), nl=False)
        return
    rows = obj if isinstance(obj, list) else [obj]
    if state.quiet:
        if id_key:
            for row in rows:
                if row is not None:
                    click.echo(row.get(id_key))
        return
    if text is not None:
        click.echo(text)
    elif columns and rows and all(isinstance(r, dict) for r in rows):
        if isinstance(obj, list):
            click.echo(table(rows, columns))
        else:
            width = max(len(k) for k in obj)
            for key, value in obj.items():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    click.echo(f"{key}:")
                    click.echo("  " + table(value, list(value[0].keys())).replace("\n", "\n  "))
                else:
                    click.echo(f"{key.ljust(width)}  {_cell(value)}")
    elif isinstance(obj, list) and not obj:
        click.echo("(none)")
    elif obj is not None:
        click.echo(dump_yaml(obj), nl=False)


def note(message: str) -> None:
    """A line for people on stderr (kept out of -o json/yaml output)."""
    click.echo(message, file=sys.stderr)
