"""cdk-nag acknowledgements, each with its reason next to the construct it covers.

cdk-nag 3 reports through CDK's policy validation (``Validations``); a finding
is acknowledged per construct and per finding id, e.g.
``AwsSolutions-IAM5[Resource::*]``.  ``infra/app.py`` has cdk-nag copy every
acknowledgement into the template (``Metadata.cdk_nag.rules_to_suppress``),
where ``tests/infra`` checks that each one carries a reason.
"""
from aws_cdk import Acknowledgment, Validations


def acknowledge(construct, finding: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=finding, reason=reason))
