"""The Lambda functions of the Chalice app: which handler, its name suffix,
timeout and memory.  A new handler in ``app.py`` needs an entry here and its
grants in ``roles.py`` (a test fails meanwhile)."""
import dataclasses

from aws_cdk import Aws

from infra import definitions


@dataclasses.dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function of the Chalice app, found by its Python handler."""
    handler: str        # the decorated function in app.py ("app" for the REST API)
    name: str           # suffix of the function name (<prefix><name>)
    timeout: int        # seconds
    memory_key: str     # Config attribute with the memory size


FUNCTIONS = {
    # API Gateway gives up after 29 s.
    "app": FunctionSpec("app", "api", 29, "api_memory_mb"),
    # ≤ 1/6 of the events queue's visibility timeout (AWS's advice for SQS sources).
    "handle_agent_events": FunctionSpec("handle_agent_events", "agent-events",
                                        definitions.EVENTS_QUEUE["visibility_timeout_seconds"] // 6,
                                        "worker_memory_mb"),
    # Runs every minute: it must be done before the next one starts.
    "sweep": FunctionSpec("sweep", "sweep", 55, "worker_memory_mb"),
}
EVENTS_HANDLER = "handle_agent_events"
SWEEP_HANDLER = "sweep"
SWEEP_SCHEDULE = "rate(1 minute)"


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def arn(service: str, resource: str) -> str:
    """An ARN in this stack's partition, region and account."""
    return f"arn:{Aws.PARTITION}:{service}:{Aws.REGION}:{Aws.ACCOUNT_ID}:{resource}"
