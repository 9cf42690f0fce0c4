"""Least privilege: one role per function (what each may call, on the
resources the stage owns), the role agents get credentials for, and a
logs-only role for a handler nobody has granted anything yet."""
from aws_cdk import Aws, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib import keys
from infra import definitions
from infra.stacks.config import Config
from infra.stacks.functions import EVENTS_HANDLER, FUNCTIONS, SWEEP_HANDLER, arn, camel
from infra.stacks.nag import acknowledge

# --- what each function may do ------------------------------------------------------
# Actions per function, on resources the stage owns.  A handler that starts calling
# something new needs a line here (the local stand-in does not enforce IAM).
DYNAMODB_API = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"]
DYNAMODB_EVENTS = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
                   "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
DYNAMODB_SWEEP = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
                  "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                  "dynamodb:ConditionCheckItem"]
SQS_NAMESPACE_QUEUES = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes",
                        "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]
SQS_EVENT_SOURCE = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
SQS_COMMANDS = ["sqs:GetQueueUrl", "sqs:SendMessage"]
# agent secrets and the namespace's configuration/plan secrets, all under SECRETS_PREFIX
SECRETS = ["secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
           "secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret",
           "secretsmanager:DescribeSecret"]
XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


class FunctionRoles(Construct):
    """``roles[handler]`` for every entry of ``FUNCTIONS``, and ``agent_role``."""

    def __init__(self, scope: Construct, construct_id: str, *, config: Config,
                 function_names: dict, events_queue: sqs.IQueue, state_machine_arn: str | None,
                 warn) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.function_names = function_names
        self.events_queue = events_queue
        self.state_machine_arn = state_machine_arn
        self.warn = warn
        access = self._access()
        self.roles = {h: self._function_role(h, access[h]) for h in FUNCTIONS}
        self.agent_role = self._agent_role()

    @property
    def namespace_queues_arn(self) -> str:
        """Every per-namespace command queue and its DLQ (created at runtime)."""
        return arn("sqs", f"{self.config.prefix}ns-*")

    @property
    def agent_role_name(self) -> str:
        return f"{self.config.prefix}agent-{Aws.REGION}"

    def _access(self) -> dict:
        """What each function calls, on the resources the stage owns."""
        c = self.config
        table_arn = arn("dynamodb", f"table/{c.table_name}")
        table_resources = [table_arn, f"{table_arn}/index/*"]
        api = [
            iam.PolicyStatement(sid="Table", actions=DYNAMODB_API, resources=table_resources),
            iam.PolicyStatement(sid="NamespaceQueues", actions=SQS_NAMESPACE_QUEUES,
                                resources=[self.namespace_queues_arn]),
            # The session answer carries the events queue's URL.
            iam.PolicyStatement(sid="EventsQueueUrl", actions=["sqs:GetQueueUrl"],
                                resources=[self.events_queue.queue_arn]),
            iam.PolicyStatement(sid="NamespaceSecrets", actions=SECRETS,
                                resources=[arn("secretsmanager",
                                                     f"secret:{c.secrets_prefix}*")]),
            # Deleting a namespace lists its secrets by name prefix (names only).
            iam.PolicyStatement(sid="ListNamespaceSecrets",
                                actions=["secretsmanager:ListSecrets"], resources=["*"]),
            iam.PolicyStatement(sid="AgentSessions", actions=["sts:AssumeRole"],
                                resources=[f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/"
                                           f"{self.agent_role_name}"]),
        ]
        if not c.mail_from:
            self.warn("mail-from", "no mail_from context value: invitation e-mails cannot be "
                                   "sent. Pass -c mail_from=<address on an SES-verified identity>.")
        else:
            domain = c.mail_from.split("@", 1)[-1]
            api.append(iam.PolicyStatement(
                sid="Invitations", actions=["ses:SendEmail"],
                resources=[arn("ses", f"identity/{i}")
                           for i in sorted({c.mail_from, domain})]))
        events = [
            iam.PolicyStatement(sid="Table", actions=DYNAMODB_EVENTS, resources=table_resources),
            iam.PolicyStatement(sid="EventSource", actions=SQS_EVENT_SOURCE,
                                resources=[self.events_queue.queue_arn]),
            # An agent that (re)connects is sent the configuration it missed.
            iam.PolicyStatement(sid="NamespaceQueues", actions=SQS_COMMANDS,
                                resources=[self.namespace_queues_arn]),
            # Agents' event keys are derived from the service key (none is stored).
            iam.PolicyStatement(sid="ServiceKey", actions=["secretsmanager:GetSecretValue"],
                                resources=[arn("secretsmanager",
                                               f"secret:{c.secrets_prefix}{keys.NAME}-*")]),
        ]
        sweep = [
            iam.PolicyStatement(sid="Table", actions=DYNAMODB_SWEEP, resources=table_resources),
        ]
        if self.state_machine_arn is not None:
            machine = self.state_machine_arn
            api.append(iam.PolicyStatement(sid="StartProvisioning",
                                           actions=["states:StartExecution"], resources=[machine]))
            # The agent's task results complete the waiting provisioning step.
            events.append(iam.PolicyStatement(
                sid="ProvisioningCallbacks",
                actions=["states:SendTaskSuccess", "states:SendTaskFailure"], resources=[machine]))

        index = ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:"
                 f"<AWS::AccountId>:table/{c.table_name}/index/*]",
                 "Items are read through the table's global secondary indexes (lookup, due); "
                 "the grant covers this table's indexes only.")
        self._wildcards = {
            "app": [
                index,
                ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:"
                 f"<AWS::AccountId>:{c.prefix}ns-*]",
                 "Per-namespace command queues (and their DLQs) are created and deleted by the "
                 "API at run time; the grant is limited to the stage's queue-name prefix."),
                ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:"
                 f"<AWS::Region>:<AWS::AccountId>:secret:{c.secrets_prefix}*]",
                 "Each namespace's secrets (agent secret, plan and configuration passwords) are "
                 "created at run time; the grant is limited to the stage's secret-name prefix "
                 "(Secrets Manager appends a random suffix to every secret ARN)."),
            ],
            EVENTS_HANDLER: [
                index,
                ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:"
                 f"<AWS::AccountId>:{c.prefix}ns-*]",
                 "A reconnecting agent is sent its configuration through its namespace's "
                 "command queue, created at run time; the grant is limited to the stage's "
                 "queue-name prefix and to SendMessage/GetQueueUrl."),
                ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:"
                 f"<AWS::Region>:<AWS::AccountId>:secret:{c.secrets_prefix}{keys.NAME}-*]",
                 "The service key (created by the API on first use) is read to derive agents' "
                 "event keys; Secrets Manager appends a random suffix to the ARN, so the grant "
                 "names the one secret with a trailing wildcard."),
            ],
            SWEEP_HANDLER: [index],
        }
        return {"app": api, EVENTS_HANDLER: events, SWEEP_HANDLER: sweep}

    def _function_role(self, handler: str, statements: list) -> iam.Role:
        """The function's own role: its log group, X-Ray, and what ``_access``
        lists for it, all inline so they exist before the function (and its SQS
        event source mapping, which checks them) is created."""
        name = self.function_names[handler]
        log_group = arn("logs", f"log-group:/aws/lambda/{name}:*")
        role = iam.Role(
            self, f"{camel(FUNCTIONS[handler].name)}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Cluster Manager function {name}",
            inline_policies={"function": iam.PolicyDocument(statements=[
                iam.PolicyStatement(sid="OwnLogs", actions=["logs:CreateLogStream",
                                                            "logs:PutLogEvents"],
                                    resources=[log_group]),
                iam.PolicyStatement(sid="Tracing", actions=XRAY, resources=["*"]),
                *statements,
            ])},
        )
        acknowledge(role, f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
                          f"<AWS::AccountId>:log-group:/aws/lambda/{name}:*]",
                    "Log streams are created by Lambda at run time with generated names; the "
                    "grant is limited to the function's own log group.")
        acknowledge(role, "AwsSolutions-IAM5[Resource::*]",
                    "X-Ray PutTraceSegments/PutTelemetryRecords"
                    + (" and Secrets Manager ListSecrets (namespace deletion lists the "
                       "namespace's secrets by name; no values)" if handler == "app" else "")
                    + " support no resource-level permissions (Service Authorization "
                      "Reference: resource type '*').")
        for finding, reason in self._wildcards.get(handler, []):
            acknowledge(role, finding, reason)
        return role

    def _agent_role(self) -> iam.Role:
        """The role agents get credentials for (through the API's session
        endpoint): only the API function may assume it, and its policy bounds
        every session to the namespace queues and the events queue; each
        session policy narrows that to one namespace's queue."""
        role = iam.Role(
            self, "AgentRole",
            role_name=self.agent_role_name,
            assumed_by=iam.ArnPrincipal(self.roles["app"].role_arn),
            max_session_duration=Duration.hours(1),
            description="Assumed by the Cluster Manager API on behalf of a namespace's agent",
            inline_policies={"agent": iam.PolicyDocument(statements=[
                iam.PolicyStatement(sid="NamespaceCommandQueues",
                                    actions=definitions.AGENT_QUEUE_ACTIONS,
                                    resources=[self.namespace_queues_arn]),
                iam.PolicyStatement(sid="EventsQueue", actions=definitions.AGENT_EVENTS_ACTIONS,
                                    resources=[self.events_queue.queue_arn]),
            ])},
        )
        acknowledge(role, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:"
                          f"<AWS::AccountId>:{self.config.prefix}ns-*]",
                    "Namespace queues are created at run time by the API; the wildcard is the "
                    "stage's namespace-queue prefix, and every session policy the API passes "
                    "to AssumeRole narrows it to the one namespace's queue.")
        return role

    def fallback(self, handler: str, name: str) -> iam.Role:
        """Logs and X-Ray only: for an app.py handler with no FUNCTIONS entry."""
        role = iam.Role(
            self, f"Unassigned{camel(handler)}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={"function": iam.PolicyDocument(statements=[
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                                    resources=[arn("logs", f"log-group:/aws/lambda/{name}:*")]),
                iam.PolicyStatement(actions=XRAY, resources=["*"]),
            ])})
        acknowledge(role, "AwsSolutions-IAM5[Resource::*]",
                    "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level "
                    "permissions.")
        acknowledge(role, f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
                          f"<AWS::AccountId>:log-group:/aws/lambda/{name}:*]",
                    "The function's own log group; Lambda names the streams.")
        return role
