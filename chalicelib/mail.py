"""Outgoing email through SES (moto's SES on the local stack).

Locally nothing leaves the machine: ``make mail`` prints what was sent."""
from chalicelib import aws, settings


# What the mail service says about a recipient it will not take.
REFUSED = {"MessageRejected", "InvalidParameterValue"}


class Refused(Exception):
    """The mail service would not take this message (a bad or blocked address)."""


def _client_send(to: str, subject: str, text: str) -> str:
    response = aws.client("ses").send_email(
        Source=settings.mail_from(),
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                 "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}},
    )
    return response["MessageId"]


def send(to: str, subject: str, text: str) -> str:
    """The message id; ``Refused`` (with SES's reason) when SES refuses the
    recipient, so callers can answer 4xx before writing anything."""
    try:
        return _client_send(to, subject, text)
    except Exception as exc:
        error = (getattr(exc, "response", None) or {}).get("Error", {})
        if error.get("Code") in REFUSED:
            raise Refused(error.get("Message") or error["Code"]) from None
        raise
