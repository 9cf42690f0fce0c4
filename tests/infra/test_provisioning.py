"""Constructs checked on their own, in this process (no Chalice packaging):
the provisioning state machine with a stand-in definition (its real one comes
with issue 6), and the data stack with an external OpenID Connect issuer."""
import json

import pytest

from tests.infra.conftest import MISSING

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SAMPLE_ASL = {
    "Comment": "stand-in: hand the work to the agent, wait for its answer",
    "StartAt": "Provision",
    "States": {
        "Provision": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl.$": "States.Format('${QueueUrlPrefix}ns-{}', $.namespace_id)",
                "MessageBody": {"type": "provision", "task_token.$": "$$.Task.Token",
                                "table": "${TableName}"},
            },
            "TimeoutSeconds": 600,
            "End": True,
        }
    },
}


@pytest.fixture(scope="module")
def cdk():
    if MISSING:
        pytest.skip("requirements-infra.txt is not installed")
    import os

    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
    import aws_cdk

    return aws_cdk


def config(**overrides):
    from infra.stacks import config as config_module

    values = {**config_module.DEFAULTS, "stage": "unit", **overrides}
    c = config_module.Config(**values)
    config_module.validate(c)
    return c


def nag_clean(cdk, app):
    from cdk_nag import AwsSolutionsChecks

    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()  # raises on any unacknowledged finding


def test_the_state_machine_is_traced_logged_and_bounded_to_its_resources(cdk, tmp_path):
    from aws_cdk.assertions import Match, Template

    from infra.stacks.provisioning import ProvisioningStateMachine

    asl = tmp_path / "provisioning.asl.json"
    asl.write_text(json.dumps(SAMPLE_ASL))
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.Stack(app, "Sfn")
    machine = ProvisioningStateMachine(stack, "Provisioning", definition_file=asl,
                                       config=config())
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {
        "StateMachineName": "cluster-manager-unit-provisioning",
        "TracingConfiguration": {"Enabled": True},
        "LoggingConfiguration": Match.object_like({"Level": "ALL",
                                                   "IncludeExecutionData": True}),
        "DefinitionSubstitutions": Match.object_equals({
            "TableName": "cluster-manager-unit",
            "QueueUrlPrefix": Match.any_value()}),   # only the placeholders it uses
    })
    policy = json.dumps(template.find_resources("AWS::IAM::Policy"))
    assert "cluster-manager-unit-ns-*" in policy and "sqs:SendMessage" in policy
    assert "table/cluster-manager-unit" in policy
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    assert machine.state_machine.state_machine_name
    nag_clean(cdk, app)


def test_an_external_issuer_replaces_the_user_pool(cdk, tmp_path):
    from aws_cdk.assertions import Template

    from infra.stacks.data import DataStack

    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = DataStack(app, "Data", config=config(oidc_issuer="https://login.example.com/",
                                                  oidc_audience="cluster-manager"))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Cognito::UserPool", 0)
    template.resource_count_is("AWS::DynamoDB::Table", 1)
    assert stack.jwt_settings() == {
        "JWT_ISSUER": "https://login.example.com/", "JWT_AUDIENCE": "cluster-manager",
        "JWT_JWKS_URL": "https://login.example.com/.well-known/jwks.json"}
    nag_clean(cdk, app)


def test_bad_settings_are_refused_with_the_fix(cdk):
    from infra.stacks import config as config_module

    for overrides, words in (({"stage": "Prod"}, "lowercase"),
                             ({"oidc_issuer": "https://x"}, "oidc_audience"),
                             ({"log_retention_days": 31}, "log_retention_days"),
                             ({"cognito_mfa": "sms"}, "cognito_mfa")):
        with pytest.raises(ValueError, match=words):
            config(**overrides)
    assert config_module.retention(30).name == "ONE_MONTH"
