"""The stateless stack: the Chalice app and everything that can be rebuilt.

It is put together from small constructs, each in its own module:

- ``EventsQueues`` (events_queues.py): the events queue and its dead-letter queue;
- ``ProvisioningStateMachine`` (provisioning.py), when its definition exists;
- ``FunctionRoles`` (roles.py): one least-privilege role per function (Chalice's
  policy generation is off) and the role agents assume;
- ``ChaliceApi`` (chalice_api.py): the Chalice app with each function's name,
  timeout, memory, log group and event source, the traced API stage;
- ``Alarms`` (alarms.py): dead letters and function errors, to one topic.

Resource names reach the code only as environment variables (``_environment``).
The constructs keep the logical ids their resources had when they were
created in the stack itself (``_allocate_logical_id``, the override CDK offers for this), so a deployed stack
updates in place.
"""
import hashlib
import re

from aws_cdk import Annotations, Aws, Stack
from constructs import Construct

from infra.stacks.alarms import Alarms
from infra.stacks.chalice_api import ChaliceApi
from infra.stacks.config import Config
from infra.stacks.data import DataStack
from infra.stacks.events_queues import EventsQueues
from infra.stacks.functions import FUNCTIONS
from infra.stacks.provisioning import PROVISIONING_ASL, ProvisioningStateMachine
from infra.stacks.roles import FunctionRoles

# Constructs that group resources without adding to their logical ids.
FLAT = ("EventQueues", "FunctionRoles", "ChaliceApi", "Monitoring")


def unique_id(components: list[str]) -> str:
    """CDK's logical id for a construct path (``makeUniqueId`` in aws-cdk-lib)."""
    components = [c for c in components if c != "Default"]
    if len(components) == 1 and len(re.sub("[^A-Za-z0-9]", "", components[0])) <= 255:
        return re.sub("[^A-Za-z0-9]", "", components[0])
    digest = hashlib.md5("/".join(components).encode()).hexdigest()[:8].upper()
    human = [c for i, c in enumerate(components) if i == 0 or c != components[i - 1]]
    return "".join(re.sub("[^A-Za-z0-9]", "", c) for c in human
                   if c != "Resource")[:240] + digest


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config, data: DataStack,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.data = data
        self.warnings: list[str] = []

        self.alarms = Alarms(self, "Monitoring", config=config)
        queues = EventsQueues(self, "EventQueues", config=config)
        self.events_dlq, self.events_queue = queues.dead_letter_queue, queues.queue
        self.state_machine = None
        if PROVISIONING_ASL.exists():
            self.state_machine = ProvisioningStateMachine(
                self, "Provisioning", definition_file=PROVISIONING_ASL, config=config)
        # Function names are fixed, so log groups and role policies need no references.
        self.function_names = {h: f"{config.prefix}{spec.name}" for h, spec in FUNCTIONS.items()}
        self.access = FunctionRoles(
            self, "FunctionRoles", config=config, function_names=self.function_names,
            events_queue=self.events_queue, warn=self.warn,
            state_machine_arn=self.state_machine.state_machine.state_machine_arn
            if self.state_machine is not None else None)
        self.roles, self.agent_role = self.access.roles, self.access.agent_role
        self.function_environment = self._environment()
        self.api = ChaliceApi(self, "ChaliceApi", config=config,
                              environment=self.function_environment, roles=self.access,
                              function_names=self.function_names,
                              events_queue=self.events_queue, warn=self.warn)
        self.chalice = self.api.chalice
        self.unassigned_functions = self.api.unassigned_functions
        self.alarms.dead_letters(self.events_dlq)
        self.alarms.function_errors(self.function_names[h] for h in self.api.function_ids)

    @property
    def alarm_topic(self):
        return self.alarms.topic

    def _allocate_logical_id(self, cfn_element) -> str:
        scopes = cfn_element.node.scopes
        path = [s.node.id for s in scopes[scopes.index(self) + 1:]]
        if path and path[0] in FLAT:
            return unique_id(path[1:])
        return super()._allocate_logical_id(cfn_element)

    def warn(self, key: str, message: str) -> None:
        """Shown by `cdk synth` and by infra/app.py."""
        Annotations.of(self).add_warning_v2(f"cluster-manager:{key}", message)
        self.warnings.append(message)

    def discard_package(self) -> None:
        self.api.discard_package()

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
