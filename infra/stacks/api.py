"""The stateless stack: the Chalice app and everything that can be rebuilt.

Chalice packages the app (``chalice package`` inside ``chalice.cdk``) into a
SAM template that is imported here; this stack then

- gives every function its own role (Chalice's policy generation is off:
  ``manage_iam_role: false``), its own name, timeout and memory;
- points the events handler at the events queue with ``ReportBatchItemFailures``;
- turns on X-Ray for API Gateway and access logs for its stage;
- creates the role agents assume, the alarms, and the provisioning state
  machine when its definition exists.

Resource names reach the code only as environment variables (``_environment``).
"""
import dataclasses
import json
import shutil
from pathlib import Path

from aws_cdk import Annotations, Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib import keys
from infra import definitions
from infra.stacks.config import Config, retention
from infra.stacks.data import DataStack
from infra.stacks.nag import acknowledge
from infra.stacks.provisioning import PROVISIONING_ASL, ProvisioningStateMachine

ROOT = Path(__file__).resolve().parents[2]

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
# agent secrets and the namespace's configuration/plan secrets: SecureString
# parameters under /SECRETS_PREFIX (chalicelib/secret_store.py), KMS-encrypted
SECRETS = ["ssm:PutParameter", "ssm:GetParameter", "ssm:DeleteParameter",
           "ssm:GetParametersByPath"]
SECRETS_KEY = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


@dataclasses.dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function of the Chalice app, found by its Python handler."""
    handler: str        # the decorated function in app.py ("app" for the REST API)
    name: str           # suffix of the function name (<prefix><name>)
    timeout: int        # seconds
    memory_key: str     # Config attribute with the memory size
    traced: bool = True  # X-Ray active tracing


FUNCTIONS = {
    # API Gateway gives up after 29 s.
    "app": FunctionSpec("app", "api", 29, "api_memory_mb"),
    # ≤ 1/6 of the events queue's visibility timeout (AWS's advice for SQS sources).
    "handle_agent_events": FunctionSpec("handle_agent_events", "agent-events",
                                        definitions.EVENTS_QUEUE["visibility_timeout_seconds"] // 6,
                                        "worker_memory_mb",
                                        # Lambda traces 1 invocation/s + 5 % and that cannot be
                                        # lowered: ~$13/month for heartbeat batches alone
                                        # (README, "What it costs at idle"); errors still alarm
                                        traced=False),
    # Runs every minute: it must be done before the next one starts.
    "sweep": FunctionSpec("sweep", "sweep", 55, "sweep_memory_mb"),
}
EVENTS_HANDLER = "handle_agent_events"
SWEEP_HANDLER = "sweep"
SWEEP_SCHEDULE = "rate(1 minute)"


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config, data: DataStack,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.data = data
        self.unassigned_functions: list[str] = []   # handlers with no FunctionSpec
        self.warnings: list[str] = []
        prefix = config.prefix

        self.alarm_topic = self._alarm_topic()
        self.events_dlq, self.events_queue = self._events_queues()

        # Function names are fixed, so log groups and role policies need no references.
        self.function_names = {h: f"{prefix}{spec.name}" for h, spec in FUNCTIONS.items()}
        self.state_machine = None
        if PROVISIONING_ASL.exists():
            self.state_machine = ProvisioningStateMachine(
                self, "Provisioning", definition_file=PROVISIONING_ASL, config=config)
        access = self._access()
        self.roles = {h: self._function_role(h, access[h]) for h in FUNCTIONS}
        self.agent_role = self._agent_role()

        self.function_environment = self._environment()
        self.chalice = self._chalice()
        self.sam = self._sam_template()
        self._configure_functions()
        self._configure_api()
        self._alarms()

    def warn(self, key: str, message: str) -> None:
        """Shown by `cdk synth` and by infra/app.py."""
        Annotations.of(self).add_warning_v2(f"cluster-manager:{key}", message)
        self.warnings.append(message)

    def _agent_image(self) -> str:
        """The configured image, else the one this app builds (agent/Dockerfile)."""
        if self.config.agent_image:
            return self.config.agent_image
        if getattr(self, "agent_image", None) is None:
            from infra.stacks.agent_image import AgentImage

            self.agent_image = AgentImage(self, "AgentImage")
        return self.agent_image.image_uri

    # --- environment (the only way names reach the code) ---------------------------
    def _environment(self) -> dict:
        c = self.config
        env = {
            "TABLE_NAME": c.table_name,
            "EVENTS_QUEUE_NAME": c.events_queue_name,
            "EVENTS_DLQ_NAME": c.events_dlq_name,
            "QUEUE_PREFIX": c.prefix,
            "SECRETS_PREFIX": c.secrets_prefix,
            "SECRETS_KMS_KEY": c.secrets_key_alias,
            "AGENT_ROLE_ARN": self.agent_role.role_arn,
            "AWS_ACCOUNT_ID": Aws.ACCOUNT_ID,
            **self.data.jwt_settings(),
            "HEARTBEAT_SECONDS": str(c.heartbeat_seconds),
            "COMMAND_TIMEOUT_SECONDS": str(c.command_timeout_seconds),
            "AGENT_IMAGE": self._agent_image(),
            "OPERATOR_IMAGE": c.operator_image or self._agent_image(),
        }
        if self.state_machine is not None:
            env["STATE_MACHINE_ARN"] = self.state_machine.state_machine.state_machine_arn
        if c.mail_from:
            env["MAIL_FROM"] = c.mail_from
        if c.console_url:
            env["CONSOLE_URL"] = c.console_url
        return env

    # --- queues -----------------------------------------------------------------
    def _events_queues(self):
        settings = definitions.EVENTS_QUEUE
        dlq = sqs.Queue(
            self, "EventsDeadLetterQueue",
            queue_name=self.config.events_dlq_name,
            retention_period=Duration.seconds(settings["dlq_retention_seconds"]),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        queue = sqs.Queue(
            self, "EventsQueue",
            queue_name=self.config.events_queue_name,
            visibility_timeout=Duration.seconds(settings["visibility_timeout_seconds"]),
            retention_period=Duration.seconds(settings["message_retention_seconds"]),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dlq, max_receive_count=settings["max_receive_count"]),
        )
        return dlq, queue

    def _arn(self, service: str, resource: str) -> str:
        return f"arn:{Aws.PARTITION}:{service}:{Aws.REGION}:{Aws.ACCOUNT_ID}:{resource}"

    @property
    def namespace_queues_arn(self) -> str:
        """Every per-namespace command queue and its DLQ (created at runtime)."""
        return self._arn("sqs", f"{self.config.prefix}ns-*")

    @property
    def agent_role_name(self) -> str:
        return f"{self.config.prefix}agent-{Aws.REGION}"

    # --- roles ------------------------------------------------------------------
    def _function_role(self, handler: str, statements: list) -> iam.Role:
        """The function's own role: its log group, X-Ray, and what ``_access``
        lists for it, all inline so they exist before the function (and its SQS
        event source mapping, which checks them) is created."""
        name = self.function_names[handler]
        log_group = self._arn("logs", f"log-group:/aws/lambda/{name}:*")
        role = iam.Role(
            self, f"{_camel(FUNCTIONS[handler].name)}Role",
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
                    "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level "
                    "permissions (Service Authorization Reference: resource type '*').")
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

    def _access(self) -> dict:
        """What each function calls, on the resources the stage owns."""
        c = self.config
        table_arn = self._arn("dynamodb", f"table/{c.table_name}")
        table_resources = [table_arn, f"{table_arn}/index/*"]
        api = [
            iam.PolicyStatement(sid="Table", actions=DYNAMODB_API, resources=table_resources),
            iam.PolicyStatement(sid="NamespaceQueues", actions=SQS_NAMESPACE_QUEUES,
                                resources=[self.namespace_queues_arn]),
            # The session answer carries the events queue's URL.
            iam.PolicyStatement(sid="EventsQueueUrl", actions=["sqs:GetQueueUrl"],
                                resources=[self.events_queue.queue_arn]),
            iam.PolicyStatement(sid="NamespaceSecrets", actions=SECRETS,
                                resources=[self._arn("ssm", f"parameter/{c.secrets_prefix}*")]),
            iam.PolicyStatement(sid="SecretsKey", actions=SECRETS_KEY,
                                resources=[self.data.secrets_key.key_arn]),
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
                resources=[self._arn("ses", f"identity/{i}")
                           for i in sorted({c.mail_from, domain})]))
        events = [
            iam.PolicyStatement(sid="Table", actions=DYNAMODB_EVENTS, resources=table_resources),
            iam.PolicyStatement(sid="EventSource", actions=SQS_EVENT_SOURCE,
                                resources=[self.events_queue.queue_arn]),
            # An agent that (re)connects is sent the configuration it missed.
            iam.PolicyStatement(sid="NamespaceQueues", actions=SQS_COMMANDS,
                                resources=[self.namespace_queues_arn]),
            # Agents' event keys are derived from the service key (none is stored).
            iam.PolicyStatement(sid="ServiceKey", actions=["ssm:GetParameter"],
                                resources=[self._arn("ssm",
                                                     f"parameter/{c.secrets_prefix}{keys.NAME}")]),
            iam.PolicyStatement(sid="SecretsKey", actions=["kms:Decrypt"],
                                resources=[self.data.secrets_key.key_arn]),
        ]
        sweep = [
            iam.PolicyStatement(sid="Table", actions=DYNAMODB_SWEEP, resources=table_resources),
        ]
        if self.state_machine is not None:
            arn = self.state_machine.state_machine.state_machine_arn
            api.append(iam.PolicyStatement(sid="StartProvisioning",
                                           actions=["states:StartExecution"], resources=[arn]))
            # The agent's task results complete the waiting provisioning step.
            events.append(iam.PolicyStatement(
                sid="ProvisioningCallbacks",
                actions=["states:SendTaskSuccess", "states:SendTaskFailure"], resources=[arn]))

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
                ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:"
                 f"<AWS::Region>:<AWS::AccountId>:parameter/{c.secrets_prefix}*]",
                 "Each namespace's secrets (agent secret, plan and configuration passwords) are "
                 "parameters created at run time under /<stage prefix>/namespaces/<id>/; the "
                 "grant is limited to the stage's parameter path."),
            ],
            EVENTS_HANDLER: [
                index,
                ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:"
                 f"<AWS::AccountId>:{c.prefix}ns-*]",
                 "A reconnecting agent is sent its configuration through its namespace's "
                 "command queue, created at run time; the grant is limited to the stage's "
                 "queue-name prefix and to SendMessage/GetQueueUrl."),
            ],
            SWEEP_HANDLER: [index],
        }
        return {"app": api, EVENTS_HANDLER: events, SWEEP_HANDLER: sweep}

    # --- the Chalice app ----------------------------------------------------------
    def _chalice(self):
        from chalice.cdk import Chalice

        stage_config = {
            "api_gateway_stage": "api",
            "environment_variables": self.function_environment,
            # Chalice writes no policy: each function gets the role built above.
            "manage_iam_role": False,
            "autogen_policy": False,
            "iam_role_arn": self.roles["app"].role_arn,
            "xray": True,
            # Not "log_retention_in_days": with a REST API, chalice 1.34 emits a log
            # group that references a renamed resource (ApiHandler → APIHandler), so
            # the log groups are made in _configure_functions instead.
            "lambda_timeout": FUNCTIONS["app"].timeout,
            "lambda_memory_size": self.config.api_memory_mb,
            "tags": {"app": "cluster-manager", "stage": self.config.stage},
        }
        return Chalice(self, "App", source_dir=str(ROOT), stage_config=stage_config)

    def _sam_template(self) -> dict:
        """The template ``chalice package`` wrote (what CfnInclude imported)."""
        path = Path(self.chalice._sam_package_dir) / "sam.json"
        return json.loads(path.read_text())

    def discard_package(self) -> None:
        """Remove chalice.out/<id> once synthesized (the zip is copied into the
        cloud assembly as an asset; chalice.cdk never cleans up after itself)."""
        package_dir = Path(self.chalice._sam_package_dir)
        shutil.rmtree(package_dir, ignore_errors=True)
        Path(f"{package_dir}.sam_with_assets.json").unlink(missing_ok=True)
        try:
            package_dir.parent.rmdir()
        except OSError:
            pass  # not empty: another synthesis is running

    def _configure_functions(self) -> None:
        resources = self.sam["Resources"]
        self.function_ids = {}
        self.log_groups = {}
        for logical_id, resource in resources.items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            handler = resource["Properties"]["Handler"].split(".", 1)[1]
            fn = self.chalice.get_resource(logical_id)
            spec = FUNCTIONS.get(handler)
            self.function_ids[handler] = logical_id
            if spec is None:
                # A new handler in app.py: it runs with logs and X-Ray only until
                # FUNCTIONS and _access say what it may do (a test fails meanwhile).
                self.unassigned_functions.append(handler)
                self.warn("unassigned", f"app.py handler {handler} has no entry in FUNCTIONS "
                                        "(infra/stacks/api.py): it gets logs and X-Ray only")
                name = f"{self.config.prefix}{handler.replace('_', '-')}"
                role = self._fallback_role(handler, name)
            else:
                name = self.function_names[handler]
                role = self.roles[handler]
                fn.add_property_override("Timeout", spec.timeout)
                fn.add_property_override("MemorySize", getattr(self.config, spec.memory_key))
                if not spec.traced:
                    fn.add_property_override("Tracing", "PassThrough")
            self.function_names[handler] = name
            fn.add_property_override("FunctionName", name)
            fn.add_property_override("Role", role.role_arn)
            # The log group exists (with its retention) before the function runs;
            # the roles may not create log groups.
            log_group = logs.LogGroup(
                self, f"{_camel(name.removeprefix(self.config.prefix))}Logs",
                log_group_name=f"/aws/lambda/{name}",
                retention=retention(self.config.log_retention_days),
                removal_policy=RemovalPolicy.DESTROY)
            fn.add_resource_dependency(log_group.node.default_child)
            self.log_groups[handler] = log_group
            for event_id, event in resource["Properties"].get("Events", {}).items():
                if event["Type"] == "SQS":
                    self._configure_sqs_source(fn, handler, event_id)
                elif event["Type"] == "Schedule" and handler == SWEEP_HANDLER:
                    fn.add_property_override(f"Events.{event_id}.Properties.Schedule",
                                             SWEEP_SCHEDULE)

    def _configure_sqs_source(self, fn, handler: str, event_id: str) -> None:
        if handler != EVENTS_HANDLER:
            raise ValueError(f"app.py subscribes {handler} to a queue this stack does not know; "
                             "add the queue to infra/stacks/api.py")
        base = f"Events.{event_id}.Properties"
        # Whatever app.py named, the source is the queue created here.
        fn.add_property_override(f"{base}.Queue", self.events_queue.queue_arn)
        fn.add_property_override(f"{base}.BatchSize", definitions.EVENTS_QUEUE["batch_size"])
        fn.add_property_override(f"{base}.FunctionResponseTypes", ["ReportBatchItemFailures"])

    def _fallback_role(self, handler: str, name: str) -> iam.Role:
        role = iam.Role(
            self, f"Unassigned{_camel(handler)}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={"function": iam.PolicyDocument(statements=[
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                                    resources=[self._arn("logs",
                                                         f"log-group:/aws/lambda/{name}:*")]),
                iam.PolicyStatement(actions=XRAY, resources=["*"]),
            ])})
        acknowledge(role, "AwsSolutions-IAM5[Resource::*]",
                    "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level "
                    "permissions.")
        acknowledge(role, f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
                          f"<AWS::AccountId>:log-group:/aws/lambda/{name}:*]",
                    "The function's own log group; Lambda names the streams.")
        return role

    def _configure_api(self) -> None:
        """X-Ray tracing and access logs on the API stage.  (No execution logs:
        API Gateway would create their log group itself, without retention; the
        functions log their own errors.)"""
        access_logs = logs.LogGroup(
            self, "ApiAccessLogs", retention=retention(self.config.log_retention_days))
        # API Gateway writes logs through one account-wide role (a regional setting).
        account = apigateway.CfnAccount(
            self, "ApiGatewayAccount",
            cloud_watch_role_arn=self._api_gateway_logs_role().role_arn)
        api = self.chalice.get_resource("RestAPI")
        api.add_property_override("TracingEnabled", True)
        api.add_property_override("AccessLogSetting", {
            "DestinationArn": access_logs.log_group_arn,
            "Format": json.dumps({
                "requestId": "$context.requestId", "ip": "$context.identity.sourceIp",
                "requestTime": "$context.requestTime", "httpMethod": "$context.httpMethod",
                "resourcePath": "$context.resourcePath", "status": "$context.status",
                "protocol": "$context.protocol", "responseLength": "$context.responseLength",
                "integrationLatency": "$context.integrationLatency",
                "xrayTraceId": "$context.xrayTraceId"}),
        })
        api.add_property_override("MethodSettings", [{
            "ResourcePath": "/*", "HttpMethod": "*",
            "ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100,
        }])
        api.add_resource_dependency(account)

    def _api_gateway_logs_role(self) -> iam.Role:
        role = iam.Role(
            self, "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
        )
        # The setting is account-wide (per region) and outlives this stack: other
        # APIs in the account may log through it after a tear-down.
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        acknowledge(role, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                          "service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                    "The AWS-managed policy API Gateway documents for its account-level "
                    "CloudWatch Logs role; API Gateway names the log groups it writes.")
        return role

    # --- alarms -----------------------------------------------------------------
    def _alarm_topic(self) -> sns.Topic:
        topic = sns.Topic(self, "Alarms", enforce_ssl=True)
        if self.config.alarm_email:
            sns.Subscription(self, "AlarmEmail", topic=topic, protocol=sns.SubscriptionProtocol.EMAIL,
                             endpoint=self.config.alarm_email)
        acknowledge(topic, "AwsSolutions-SNS2",
                    "Alarm notifications carry only alarm names and states. CloudWatch cannot "
                    "publish to a topic encrypted with the AWS-managed SNS key, and a customer "
                    "managed key would cost 1 USD a month for no protected data.")
        CfnOutput(self, "AlarmTopicArn", value=topic.topic_arn)
        return topic

    def _alarms(self) -> None:
        actions = [self.alarm_topic.topic_arn]
        cloudwatch.CfnAlarm(
            self, "EventsDeadLetterAlarm",
            alarm_description="Agent events ended in the events dead-letter queue "
                              f"({self.config.events_dlq_name}).",
            namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
            dimensions=[cloudwatch.CfnAlarm.DimensionProperty(
                name="QueueName", value=self.events_dlq.queue_name)],
            statistic="Maximum", period=300, evaluation_periods=1, threshold=0,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
            alarm_actions=actions, ok_actions=actions,
        )
        # Namespace DLQs come and go with namespaces: one Metrics Insights query
        # covers all of them, present and future.
        pattern = f"{self.config.prefix}ns-%-dlq"
        cloudwatch.CfnAlarm(
            self, "NamespaceDeadLetterAlarm",
            alarm_description="Commands ended in a namespace's dead-letter queue "
                              f"(queues named {pattern.replace('%', '*')}).",
            metrics=[cloudwatch.CfnAlarm.MetricDataQueryProperty(
                id="deadletters", return_data=True, period=300,
                expression=('SELECT MAX(ApproximateNumberOfMessagesVisible) '
                            'FROM SCHEMA("AWS/SQS", QueueName) '
                            f"WHERE QueueName LIKE '{pattern}'"),
            )],
            evaluation_periods=1, threshold=0, comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching", alarm_actions=actions, ok_actions=actions,
        )
        for handler in self.function_ids:
            cloudwatch.CfnAlarm(
                self, f"{_camel(self.function_names[handler].removeprefix(self.config.prefix))}"
                      "ErrorsAlarm",
                alarm_description=f"{self.function_names[handler]} raised errors.",
                namespace="AWS/Lambda", metric_name="Errors",
                dimensions=[cloudwatch.CfnAlarm.DimensionProperty(
                    name="FunctionName", value=self.function_names[handler])],
                statistic="Sum", period=300, evaluation_periods=1, threshold=0,
                comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
                alarm_actions=actions,
            )
