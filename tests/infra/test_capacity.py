"""The table's capacity mode (context ``dynamodb_capacity``): on-demand by
default (tests/infra/test_templates.py), provisioned with auto scaling on the
table and each index for the steady load of many namespaces."""
import pytest


def data_template(**context):
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from infra.stacks.config import from_context
    from infra.stacks.data import DataStack

    app = cdk.App(context={"stage": "cap", **context})
    return Template.from_stack(DataStack(app, "Data", config=from_context(app.node))).to_json()


def test_provisioned_capacity_scales_the_table_and_every_index():
    from infra import definitions
    from infra.stacks.config import PROVISIONED

    template = data_template(dynamodb_capacity="provisioned")
    (table,) = [r["Properties"] for r in template["Resources"].values()
                if r["Type"] == "AWS::DynamoDB::Table"]
    assert table.get("BillingMode", "PROVISIONED") == "PROVISIONED"
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == PROVISIONED["min"]
    assert all("ProvisionedThroughput" in i for i in table["GlobalSecondaryIndexes"])
    targets = [r["Properties"] for r in template["Resources"].values()
               if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"]
    assert len(targets) == 2 * (1 + len(definitions.TABLE["indexes"]))
    assert {(t["MinCapacity"], t["MaxCapacity"]) for t in targets} == {
        (PROVISIONED["min"], PROVISIONED["max"])}
    policies = [r["Properties"] for r in template["Resources"].values()
                if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy"]
    assert {p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] for p in policies} == {
        PROVISIONED["target_percent"]}


def test_an_unknown_capacity_mode_is_refused():
    with pytest.raises(ValueError, match="dynamodb_capacity"):
        data_template(dynamodb_capacity="serverless")
