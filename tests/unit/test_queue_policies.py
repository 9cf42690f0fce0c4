"""The stand-in's evaluation of queue-policy Deny statements
(devstack/queue_policies.py): AWS's semantics for what it understands, an
error for what it does not."""
import json

import pytest

from devstack.queue_policies import Caller, Unsupported, denies

ROLE = "arn:aws:iam::123456789012:role/cm-agent"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:cm-ns-x"


def policy(**statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Only", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*",
        "Resource": QUEUE, **statement}]})


ADMIT_G2 = {"ArnLike": {"aws:PrincipalArn": ROLE}, "StringNotLike": {"aws:userid": "*:ns-x-g2"}}


def test_only_other_sessions_of_the_role_are_denied():
    rule = policy(Condition=ADMIT_G2)
    assert denies(rule, "sqs:ReceiveMessage", QUEUE, Caller(ROLE, "AROA1:ns-x-g1")) == "Only"
    assert denies(rule, "sqs:ReceiveMessage", QUEUE, Caller(ROLE, "AROA1:ns-x-g2")) is None
    assert denies(rule, "sqs:ReceiveMessage", QUEUE,
                  Caller("arn:aws:iam::123456789012:role/other", "AROA2:ns-x-g1")) is None
    # another queue, or an action the statement does not name
    assert denies(rule, "sqs:ReceiveMessage", QUEUE + "-dlq", Caller(ROLE, "AROA1:g1")) is None
    narrow = policy(Action=["sqs:SendMessage"], Condition=ADMIT_G2)
    assert denies(narrow, "sqs:receivemessage", QUEUE, Caller(ROLE, "AROA1:g1")) is None
    assert denies(narrow, "sqs:SendMessage", QUEUE, Caller(ROLE, "AROA1:g1")) == "Only"


def test_no_policy_and_allow_statements_deny_nothing():
    assert denies(None, "sqs:ReceiveMessage", QUEUE, Caller(ROLE, "AROA1:g1")) is None
    allow = json.loads(policy())
    allow["Statement"][0]["Effect"] = "Allow"
    assert denies(json.dumps(allow), "sqs:ReceiveMessage", QUEUE, Caller(ROLE, "AROA1:g1")) is None


@pytest.mark.parametrize("statement", [
    {"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    {"Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}},
    {"Principal": {"AWS": ROLE}},
], ids=["operator", "key", "principal"])
def test_what_it_cannot_evaluate_is_an_error_not_a_silent_allow(statement):
    with pytest.raises(Unsupported):
        denies(policy(**statement), "sqs:ReceiveMessage", QUEUE, Caller(ROLE, "AROA1:g1"))
