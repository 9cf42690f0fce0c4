"""Kubernetes naming rules, with messages that state the rule."""
import re

from chalicelib.errors import Unprocessable

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
MAX_LABEL = 63

DNS1123_RULE = (
    "a valid Kubernetes name (DNS-1123 label): only lowercase letters a-z, "
    "digits 0-9 and '-', starting and ending with a letter or digit, "
    f"at most {MAX_LABEL} characters (e.g. 'team-a-prod')"
)


def dns1123_problem(name: str) -> str | None:
    """Why ``name`` is not a DNS-1123 label, or None when it is one."""
    if not name:
        return "is empty"
    if len(name) > MAX_LABEL:
        return f"is {len(name)} characters long"
    if not _DNS1123_LABEL.match(name):
        return "contains characters or a shape the rule does not allow"
    return None


def check_dns1123(name: str, what: str) -> None:
    problem = dns1123_problem(name)
    if problem:
        raise Unprocessable(
            f"{what} {name!r} {problem}; it must be {DNS1123_RULE}.",
            code="invalid_name",
        )
