"""Outgoing email through SES (moto's SES on the local stack).

Locally nothing leaves the machine: ``make mail`` prints what was sent."""
from chalicelib import aws, settings


def send(to: str, subject: str, text: str) -> str:
    response = aws.client("ses").send_email(
        Source=settings.mail_from(),
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                 "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}},
    )
    return response["MessageId"]
