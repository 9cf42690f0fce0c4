"""The Chalice app through ``chalice.cdk``: each function gets its own role,
name, timeout, memory and log group; the events handler reads the events
queue with ``ReportBatchItemFailures``; the API stage is traced, throttled
and writes access logs."""
import json
import shutil
from pathlib import Path

from aws_cdk import CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import definitions
from infra.stacks.config import Config, retention
from infra.stacks.functions import EVENTS_HANDLER, FUNCTIONS, SWEEP_HANDLER, SWEEP_SCHEDULE, camel
from infra.stacks.nag import acknowledge
from infra.stacks.roles import FunctionRoles

ROOT = Path(__file__).resolve().parents[2]
SAM_FUNCTION = "AWS::Serverless::Function"


class ChaliceApi(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config, environment: dict,
                 roles: FunctionRoles, function_names: dict, events_queue: sqs.IQueue,
                 warn) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.roles = roles
        self.events_queue = events_queue
        self.warn = warn
        self.function_names = function_names
        self.function_ids: dict[str, str] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        self.unassigned_functions: list[str] = []   # handlers with no FunctionSpec
        self.chalice = self._chalice(environment)
        for fn in self._sam_functions():
            self._configure_function(fn)
        self._configure_api()

    def _chalice(self, environment: dict):
        from chalice.cdk import Chalice  # lazy: loads chalice's packager only for synthesis

        stage_config = {
            "api_gateway_stage": "api",
            "environment_variables": environment,
            # Chalice writes no policy: each function gets the role built in roles.py.
            "manage_iam_role": False,
            "autogen_policy": False,
            "iam_role_arn": self.roles.roles["app"].role_arn,
            "xray": True,
            # Not "log_retention_in_days": with a REST API, chalice 1.34 emits a log
            # group that references a renamed resource (ApiHandler → APIHandler), so
            # the log groups are made in _configure_function instead.
            "lambda_timeout": FUNCTIONS["app"].timeout,
            "lambda_memory_size": self.config.api_memory_mb,
            "tags": {"app": "cluster-manager", "stage": self.config.stage},
        }
        return Chalice(self, "App", source_dir=str(ROOT), stage_config=stage_config)

    def _sam_functions(self) -> list[CfnResource]:
        """The functions ``chalice package`` wrote, as imported by CfnInclude."""
        return [child for child in self.chalice.sam_template.node.children
                if isinstance(child, CfnResource) and child.cfn_resource_type == SAM_FUNCTION]

    def discard_package(self) -> None:
        """Remove chalice.out/<id> once synthesized (the zip is copied into the
        cloud assembly as an asset; chalice.cdk never cleans up after itself
        and has no public name for the directory)."""
        package_dir = Path(self.chalice._sam_package_dir)
        shutil.rmtree(package_dir, ignore_errors=True)
        Path(f"{package_dir}.sam_with_assets.json").unlink(missing_ok=True)
        try:
            package_dir.parent.rmdir()
        except OSError:
            pass  # not empty: another synthesis is running

    @staticmethod
    def _events(fn) -> dict:
        """The function's SAM events: ``{id: (type, properties)}``.  Read from the
        raw properties: jsii cannot read ``CfnFunction.events`` back in Python
        (it fails to pick a member of the event-properties union)."""
        events = Stack.of(fn).resolve(fn._cfn_properties).get("events") or {}
        return {event_id: event["type"] for event_id, event in events.items()}

    def _configure_function(self, fn) -> None:
        handler = fn.handler.split(".", 1)[1]
        spec = FUNCTIONS.get(handler)
        self.function_ids[handler] = Stack.of(fn).resolve(fn.logical_id)
        if spec is None:
            # A new handler in app.py: it runs with logs and X-Ray only until
            # FUNCTIONS and roles.py say what it may do (a test fails meanwhile).
            self.unassigned_functions.append(handler)
            self.warn("unassigned", f"app.py handler {handler} has no entry in FUNCTIONS "
                                    "(infra/stacks/functions.py): it gets logs and X-Ray only")
            name = f"{self.config.prefix}{handler.replace('_', '-')}"
            role = self.roles.fallback(handler, name)
        else:
            name = self.function_names[handler]
            role = self.roles.roles[handler]
            fn.add_property_override("Timeout", spec.timeout)
            fn.add_property_override("MemorySize", getattr(self.config, spec.memory_key))
        self.function_names[handler] = name
        fn.add_property_override("FunctionName", name)
        fn.add_property_override("Role", role.role_arn)
        # The log group exists (with its retention) before the function runs;
        # the roles may not create log groups.
        log_group = logs.LogGroup(
            self, f"{camel(name.removeprefix(self.config.prefix))}Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=retention(self.config.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY)
        fn.add_resource_dependency(log_group.node.default_child)
        self.log_groups[handler] = log_group
        for event_id, kind in self._events(fn).items():
            if kind == "SQS":
                self._configure_sqs_source(fn, handler, event_id)
            elif kind == "Schedule" and handler == SWEEP_HANDLER:
                fn.add_property_override(f"Events.{event_id}.Properties.Schedule",
                                         SWEEP_SCHEDULE)

    def _configure_sqs_source(self, fn, handler: str, event_id: str) -> None:
        if handler != EVENTS_HANDLER:
            raise ValueError(f"app.py subscribes {handler} to a queue this stack does not know; "
                             "add the queue to infra/stacks/events_queues.py")
        base = f"Events.{event_id}.Properties"
        # Whatever app.py named, the source is the queue created here.
        fn.add_property_override(f"{base}.Queue", self.events_queue.queue_arn)
        fn.add_property_override(f"{base}.BatchSize", definitions.EVENTS_QUEUE["batch_size"])
        fn.add_property_override(f"{base}.FunctionResponseTypes", ["ReportBatchItemFailures"])

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
