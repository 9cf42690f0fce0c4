"""The ``Deny`` statements of SQS queue policies, applied by the local AWS stand-in.

moto stores a queue's resource policy but never evaluates it.  The system
relies on one: rotating a namespace's agent secret makes its command queue
deny every session of the agent role but the current generation's
(``chalicelib/queues.admit_only``), and that denial — not a short session —
is what stops an agent holding an old secret (docs/agent-protocol.md §2).
Here, a request signed with an assumed-role session's key is checked against
the Deny statements of the queue it names, the way AWS evaluates an explicit
deny: action, resource, principal and conditions must all match.

Only what those policies use is understood: ``Principal`` ``*`` (or
``{"AWS": "*"}``), wildcard actions and resources, and the condition
operators in ``OPERATORS`` on ``aws:PrincipalArn`` and ``aws:userid``.
Anything else is refused loudly (``Unsupported``) rather than ignored.
Allow statements are not evaluated: the stand-in grants by default, as it
always has.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from fnmatch import fnmatchcase


class Unsupported(Exception):
    """A policy the stand-in cannot evaluate faithfully."""


@dataclass(frozen=True)
class Caller:
    """An assumed-role session: ``aws:PrincipalArn`` is the role's ARN and
    ``aws:userid`` is ``<role id>:<session name>``."""
    role_arn: str
    user_id: str

    def context(self) -> dict:
        return {"aws:principalarn": self.role_arn, "aws:userid": self.user_id}


def _like(pattern: str, value: str) -> bool:
    return fnmatchcase(value, pattern)


OPERATORS = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringNotEquals": lambda pattern, value: pattern != value,
    "StringLike": _like,
    "StringNotLike": lambda pattern, value: not _like(pattern, value),
    "ArnEquals": lambda pattern, value: pattern == value,
    "ArnLike": _like,
    "ArnNotLike": lambda pattern, value: not _like(pattern, value),
}
NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotLike"}


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def _matches_any(patterns, value: str) -> bool:
    """Action and resource patterns; actions compare case-insensitively, as in AWS."""
    return any(_like(pattern.lower(), value.lower()) for pattern in _listed(patterns))


def _principal_is_everyone(principal) -> bool:
    if principal == "*" or principal == {"AWS": "*"} or principal == {"AWS": ["*"]}:
        return True
    raise Unsupported(f"the local stand-in evaluates only Principal '*', not {principal!r}")


def _condition_holds(operator: str, entries: dict, context: dict) -> bool:
    if operator not in OPERATORS:
        raise Unsupported(f"the local stand-in cannot evaluate the condition operator {operator!r}")
    test = OPERATORS[operator]
    for key, patterns in entries.items():
        value = context.get(key.lower())
        if value is None:
            raise Unsupported(f"the local stand-in does not know the condition key {key!r}")
        values = _listed(patterns)
        # a negated operator holds when the value matches none of the patterns
        ok = all(test(p, value) for p in values) if operator in NEGATED else \
            any(test(p, value) for p in values)
        if not ok:
            return False
    return True


def denies(policy: str | None, action: str, resource: str, caller: Caller) -> str | None:
    """The Sid (or "(unnamed)") of the first Deny statement of ``policy`` that
    applies to ``caller`` doing ``action`` (``sqs:ReceiveMessage``) on
    ``resource``; None when nothing denies it."""
    if not policy:
        return None
    statements = _listed(json.loads(policy).get("Statement", []))
    for statement in statements:
        if statement.get("Effect") != "Deny":
            continue
        if not (_matches_any(statement.get("Action", []), action)
                and _matches_any(statement.get("Resource", "*"), resource)
                and _principal_is_everyone(statement.get("Principal"))):
            continue
        conditions = statement.get("Condition", {})
        if all(_condition_holds(op, entries, caller.context()) for op, entries in conditions.items()):
            return statement.get("Sid") or "(unnamed)"
    return None
