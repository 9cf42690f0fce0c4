"""One checker for every plan type and configuration section in the catalogue.

Given a group (a plan kind or a section), the body and the cluster, it picks
the variant, checks what the catalogue says — the cluster the variant needs,
required fields, fields that belong to other variants, patterns and ranges,
fields that go together, fields that default to another —
and splits the accepted values into settings (stored, shown) and secrets
(kept in the secret store, never shown).  Every message names the rule and
how to fix it; the few rules that are truly special stay with their owners
(``plans``, ``configuration``).
"""
import json
import re
from functools import lru_cache

from chalicelib.catalogue import Field, Group, Variant


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def shown(value) -> str:
    return json.dumps(value) if isinstance(value, bool) else repr(value)


def _missing(value) -> bool:
    return value is None or value == ""


def _names(fields, quoted: bool = True) -> str:
    return " and ".join(repr(f) if quoted else f for f in fields)


def field_problem(f: Field, value) -> str | None:
    """What is wrong with one present value, by the catalogue's rules."""
    if f.type == "integer":
        if not isinstance(value, int) or isinstance(value, bool) or \
                (f.minimum is not None and value < f.minimum) or \
                (f.maximum is not None and value > f.maximum):
            return (f.invalid or f"{f.name!r} must be a whole number from {f.minimum} to "
                    f"{f.maximum}").format(value=value)
        return None
    if f.type == "boolean":
        return None if isinstance(value, bool) else f"{f.name!r} must be true or false"
    if not isinstance(value, str):
        return f"{f.name!r} must be text"
    if f.max_length is not None and len(value) > f.max_length:
        return f"{f.name!r} is {len(value)} characters long; at most {f.max_length} are allowed"
    if f.pattern and not _compiled(f.pattern).match(value):
        return (f.invalid or f"{f.name!r} {value!r} is not valid: {f.description}").format(
            value=value)
    return None


def requires_problem(variant: Variant, cluster) -> str | None:
    """Why this variant cannot be used on this cluster, or None."""
    facts = {"cluster_type": cluster.type, "platform": cluster.platform}
    for key, allowed in variant.requires.items():
        if facts.get(key) not in allowed:
            template = variant.requires_message or (
                "type {value} works only on clusters with " + key + " " + " or ".join(allowed))
            return template.format(value=shown(variant.value), **facts)
    return None


def check(group: Group, variant: Variant, body: dict, cluster, *, subject: str,
          others: dict[str, Field], secrets_known: bool = True) -> tuple[dict, dict, list[str]]:
    """``(settings, secrets, problems)`` for ``body`` as ``variant`` of ``group``.

    ``subject`` starts the messages about missing and stray fields (e.g.
    "a postgres plan", "type 'generic_auth'"); ``others`` are all fields the
    request model knows, so that fields of other variants are named.  With
    ``secrets_known`` False (settings read back from a cluster, which never
    hands out secrets) a missing secret is not a problem."""
    problems = []
    if cluster is not None and (why := requires_problem(variant, cluster)):
        problems.append(why)
    mine = {f.name for f in variant.fields}
    missing = [f for f in variant.fields if f.required and _missing(body.get(f.name))
               and (secrets_known or not f.secret)]
    if missing:
        problems.append(f"{subject} needs " + ", ".join(
            f"{f.name!r} ({f.hint})" if f.hint else f.name for f in missing))
    stray = [name for name in others if name not in mine and not _missing(body.get(name))]
    if stray:
        template = variant.stray_message or (subject + " takes no {names}")
        problems.append(template.format(fields=_names(stray), names=", ".join(stray)))
    for f in variant.fields:
        value = body.get(f.name)
        if not _missing(value) and (why := field_problem(f, value)):
            problems.append(why)
    for f in variant.fields:
        if f.goes_with and (secrets_known or not f.secret) and \
                _missing(body.get(f.name)) != _missing(body.get(f.goes_with)):
            problems.append(f"{f.goes_with!r} and {f.name!r} go together: give both or neither")
    return (*_split(variant, body), problems)


def _split(variant: Variant, body: dict) -> tuple[dict, dict]:
    """``(settings, secrets)``: each field's value, or the value of the field
    it defaults from, or its default."""
    settings, secrets = {}, {}
    for f in variant.fields:
        value = body.get(f.name)
        if _missing(value) and f.default_from:
            value = body.get(f.default_from)
        value = f.default if _missing(value) else value
        if not f.secret:
            settings[f.name] = value
        elif value is not None:
            secrets[f.name] = value
    return settings, secrets


def mask(variant: Variant | None, settings: dict, secret_present: bool,
         mask_text: str = "***") -> dict:
    """Settings as the API shows them: each secret field that holds a value
    shows ``"***"``."""
    out = dict(settings)
    if variant is not None and secret_present:
        for f in variant.fields:
            if f.secret:
                out[f.name] = mask_text
    return out
