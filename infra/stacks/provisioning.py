"""The storage-provisioning state machine, from its definition file.

The definition (Amazon States Language) lives in
``infra/statemachines/provisioning.asl.json``; until that file exists the API
stack simply has no state machine (and no STATE_MACHINE_ARN).  ``${Name}``
placeholders in the definition are filled from ``substitutions``.
"""
from pathlib import Path

from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.stacks.config import Config, retention
from infra.stacks.nag import acknowledge

PROVISIONING_ASL = Path(__file__).resolve().parents[1] / "statemachines" / "provisioning.asl.json"
# The definition names no resource (its input carries the table and queue URL),
# so today it gets no substitutions; its tasks: dynamodb:updateItem on the
# table, sqs:sendMessage.waitForTaskToken to a namespace's command queue.


class ProvisioningStateMachine(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, definition_file: Path,
                 config: Config) -> None:
        super().__init__(scope, construct_id)
        namespace_queues = (f"arn:{Aws.PARTITION}:sqs:{Aws.REGION}:{Aws.ACCOUNT_ID}:"
                            f"{config.prefix}ns-*")
        available = {
            "TableName": config.table_name,
            "QueuePrefix": config.prefix,
            "QueueUrlPrefix": f"https://sqs.{Aws.REGION}.{Aws.URL_SUFFIX}/{Aws.ACCOUNT_ID}/"
                              f"{config.prefix}",
            "EventsQueueName": config.events_queue_name,
            "CommandTimeoutSeconds": str(config.command_timeout_seconds),
        }
        text = definition_file.read_text()
        # only the placeholders the definition uses (unused ones would be noise)
        self.substitutions = {k: v for k, v in available.items() if "${%s}" % k in text}
        self.log_group = logs.LogGroup(
            self, "Logs", retention=retention(config.log_retention_days))
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            state_machine_name=f"{config.prefix}provisioning",
            # inline (DefinitionString), not an S3 asset
            definition_body=sfn.DefinitionBody.from_string(text),
            definition_substitutions=self.substitutions or None,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL,
                                include_execution_data=True),
        )
        # The tasks hand work to a namespace's agent through its command queue
        # (with a task token) and record progress in the table.
        self.state_machine.add_to_role_policy(iam.PolicyStatement(
            actions=["sqs:SendMessage"], resources=[namespace_queues]))
        self.state_machine.add_to_role_policy(iam.PolicyStatement(
            actions=["dynamodb:UpdateItem"],
            resources=[f"arn:{Aws.PARTITION}:dynamodb:{Aws.REGION}:{Aws.ACCOUNT_ID}:"
                       f"table/{config.table_name}"]))
        policy = self.state_machine.role.node.find_child("DefaultPolicy")
        # CDK makes the machine depend on its role twice (GetAtt and DependsOn);
        # keep only the policy dependency (cfn-lint W3005).
        cfn = self.state_machine.node.default_child
        cfn.add_override("DependsOn", [Stack.of(self).get_logical_id(policy.node.default_child)])
        acknowledge(policy, "AwsSolutions-IAM5[Resource::*]",
                    "Added by CDK for Step Functions logging (logs:CreateLogDelivery and "
                    "friends) and X-Ray, which support no resource-level permissions.")
        acknowledge(policy, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:"
                            f"<AWS::AccountId>:{config.prefix}ns-*]",
                    "Namespace command queues are created at run time by the API; the grant is "
                    "limited to the stage's queue-name prefix.")
