"""Kubernetes naming rules, with messages that state the rule."""
import re

from chalicelib.errors import Unprocessable

# What every mail service takes and what fits in a URL path unescaped (…/members/<email>):
# a dot-separated local part, then DNS labels with a top-level domain of letters.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = (r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:" + _LABEL + r"\.)+[A-Za-z]{2,63}$")
MAX_EMAIL = 254


def email_problem(email: str) -> str | None:
    if len(email) > MAX_EMAIL or not re.match(EMAIL_PATTERN, email):
        return (f"{email!r} is not an email address we can use: letters, digits and . _ % + - "
                "before the @, a domain name after it")
    return None


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
