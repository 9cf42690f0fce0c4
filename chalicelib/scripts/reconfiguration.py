"""The reconfiguration script: configures a namespace's services (seed §3.4).

The script is ``reconfiguration.sh`` next to this module: an interactive bash
script ("What do you want to do?" 1 initial configuration, 2 reconfigure one
item, "Go back to the start" on every menu) with a non-interactive form for
automation (``--help``).  It needs only bash and curl.  Its menus, questions,
options and help are driven by a data block written from the catalogue
(``chalicelib.catalogue``), so a new plan type or section variant needs no
bash.  This module only fills in the script's header: the namespace's values
and that data block, every value ``shlex.quote``d.

It talks to the Cluster Manager API with the namespace's own credentials
(``Authorization: Agent <namespace_id>:<secret>``), so it is a secret
itself, like the installation script.  No secret ever reaches a command
line: curl gets the Authorization header from a ``--config`` process
substitution and the request body (passwords, keys) on stdin, both written by
bash builtins.  Secrets typed by the user are read without echo; in the
non-interactive form they come from files, environment variables or the
``--config`` file, never from arguments.

Pasted into a terminal, the whole script is one subshell: bash reads all of
it before running it (so its questions read what the user types next, not
the rest of the script), and ``exit`` never closes the user's terminal.
"""
import json
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

from chalicelib.catalogue import CATALOGUE, PLAN_NAME, Catalogue
from chalicelib.domain.forms import requires_problem
from chalicelib.domain.names import dns1123_problem
from chalicelib.domain.plans import s3_policy

TEMPLATE = Path(__file__).with_name("reconfiguration.sh")
HEADER = re.compile(r"^\{\n.*?^\}\n(?=# --- end of header ---$)", re.M | re.S)
CLUSTER_TYPES = ("openshift", "kubernetes")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_PLATFORM = re.compile(r"^[a-z0-9-]{1,32}$")
_URL = re.compile(r"^https?://\S+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WORD = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def render_reconfiguration_script(*, api_url: str, cluster_id: str, namespace: str,
                                  namespace_id: str, agent_secret: str, cluster_type: str,
                                  platform: str | None, catalogue: Catalogue = CATALOGUE) -> str:
    if cluster_type not in CLUSTER_TYPES:
        raise ValueError(f"cluster_type must be one of {list(CLUSTER_TYPES)}, not {cluster_type!r}")
    problem = dns1123_problem(namespace)
    if problem:  # it is part of URL paths, comments and messages, so it must be plain
        raise ValueError(f"namespace {namespace!r} {problem}")
    for name, value in (("cluster_id", cluster_id), ("namespace_id", namespace_id)):
        if not isinstance(value, str) or not _ID.match(value):
            raise ValueError(f"{name} must be 1-128 letters, digits, '_' or '-', not {value!r}")
    if platform is not None and not _PLATFORM.match(platform):
        raise ValueError(f"platform must be lowercase letters, digits or '-', not {platform!r}")
    if not isinstance(api_url, str) or not _URL.match(api_url) or _CONTROL.search(api_url):
        raise ValueError(f"api_url must be an http(s) URL without spaces, not {api_url!r}")
    if not agent_secret or _CONTROL.search(agent_secret):  # it goes into an HTTP header
        raise ValueError("agent_secret must be non-empty text without control characters")
    template = TEMPLATE.read_text()
    platform_note = f", platform {platform}" if platform else ""
    values = {
        "API_URL": api_url.rstrip("/"), "CLUSTER_ID": cluster_id, "NAMESPACE": namespace,
        "NAMESPACE_ID": namespace_id, "AGENT_SECRET": agent_secret,
        "CLUSTER_TYPE": cluster_type, "PLATFORM": platform or "",
        "S3_POLICY": json.dumps(s3_policy("<account_id>"), indent=4),
    }
    header = [f"# For namespace {namespace} (cluster {cluster_id}, {cluster_type}{platform_note})."]
    header += [f"{key}={shlex.quote(value)}" for key, value in values.items()]
    cluster = SimpleNamespace(type=cluster_type, platform=platform)
    header += _catalogue_lines(catalogue, cluster, template)
    rendered, count = HEADER.subn(lambda _: "{\n" + "\n".join(header) + "\n}\n", template, count=1)
    if count != 1:
        raise RuntimeError(f"{TEMPLATE.name} has no header block to fill in")
    return rendered


def _text(value) -> str:
    """A catalogue value as the script holds it: JSON's spelling for booleans."""
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _line(**arrays) -> str:
    """One catalogue entry: an element appended to each of the arrays."""
    return " ".join(f"{name}+=({shlex.quote(_text(value))})" for name, value in arrays.items())


def _catalogue_lines(catalogue: Catalogue, cluster, template: str) -> list[str]:
    """The data block: one line per item (plan kind or section), variant and
    field, in the catalogue's order."""
    _check_options(catalogue)
    lines = [f"NAME_PROMPT={shlex.quote(PLAN_NAME.prompt)} "
             f"NAME_METAVAR={shlex.quote(PLAN_NAME.metavar)} "
             f"NAME_DESCRIPTION={shlex.quote(PLAN_NAME.description)}"]
    groups = [(g, True) for g in catalogue.plans] + [(g, False) for g in catalogue.sections]
    variants = 0
    for index, (group, plan) in enumerate(groups):
        lines.append(_line(G_NAME=group.name, G_LABEL=group.label, G_PROMPT=group.prompt,
                           G_KEY=group.discriminator, G_METAVAR=group.discriminator.upper(),
                           G_PLAN=int(plan)))
        for variant in group.variants:
            if variant.hint and f"\nhint_{variant.hint}() {{\n" not in template:
                raise ValueError(f"{group.name} {variant.value!r} names hint {variant.hint!r}, "
                                 f"which {TEMPLATE.name} has no hint_{variant.hint} for")
            boolean = isinstance(variant.value, bool)
            lines.append(_line(
                V_GROUP=index, V_VALUE=variant.value, V_JSON="boolean" if boolean else "string",
                V_WORD=("yes" if variant.value else "no") if boolean
                else variant.value.replace("_", "-"),
                V_LABEL=variant.label, V_NOTE=variant.note, V_HINT=variant.hint,
                V_REQUIRES="; ".join(f"{key} {' or '.join(allowed)}"
                                     for key, allowed in variant.requires.items()),
                V_REFUSED=requires_problem(variant, cluster)))
            for f in variant.fields:
                lines.append(_line(
                    F_VARIANT=variants, F_NAME=f.name, F_LABEL=f.label, F_OPTION=f.option,
                    F_PROMPT=f.prompt, F_TYPE=f.type, F_REQUIRED=int(f.required),
                    F_SECRET=int(f.secret), F_DEFAULT=f.default, F_DEFAULT_FROM=f.default_from,
                    F_GOES_WITH=f.goes_with, F_MIN=f.minimum, F_MAX=f.maximum,
                    F_METAVAR=f.metavar,
                    F_ENV="CM_" + f.option.upper().replace("-", "_") if f.secret else "",
                    F_DESCRIPTION=f.description))
            variants += 1
    if any(_CONTROL.search(line) for line in lines):  # a pasted tab would trigger completion
        raise ValueError("catalogue texts must not hold tabs, newlines or control characters")
    return lines


def _check_options(catalogue: Catalogue) -> None:
    """Each option belongs to one item and means one thing there: the script
    finds an option's item and field by its name."""
    owner: dict[str, tuple] = {}
    for group in (*catalogue.plans, *catalogue.sections):
        if not _WORD.match(group.name):
            raise ValueError(f"item name {group.name!r} must be lowercase words joined by '-'")
        taken = {group.name, f"{group.name}-plan"}
        for variant in group.variants:
            for f in variant.fields:
                if not f.option or not _WORD.match(f.option) or f.option in taken:
                    raise ValueError(f"{group.name} field {f.name!r}: option {f.option!r} must be "
                                     "lowercase words joined by '-', not an item's own option")
                kind = (group.name, f.name, f.type, f.secret)
                if owner.setdefault(f.option, kind) != kind:
                    raise ValueError(f"option {f.option!r} names two different fields")
