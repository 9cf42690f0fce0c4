"""Starting the provisioning workflow (one Step Functions state machine,
``infra/statemachines/provisioning.asl.json``, used by the local stack and
by the CDK app alike).  The input carries everything the machine needs, so
its definition names no resource."""
import hashlib
import json

from chalicelib import aws, models, queues, settings

PROVISION, DEPROVISION = "provision", "deprovision"
STEPS = {PROVISION: ["database", "storage"], DEPROVISION: ["storage", "database"]}
STATES = {
    PROVISION: {"busy_state": "provisioning", "failed_state": "provisioning_failed"},
    DEPROVISION: {"busy_state": "deprovisioning", "failed_state": "deprovisioning_failed"},
}
FINALIZE = "finalize"


def job_input(environment: models.Environment, operation: str, plans: dict) -> dict:
    return {
        "steps": STEPS[operation],
        "job": {
            "operation": operation,
            "queue_url": queues.url(queues.command_queue_name(environment.namespace_id)),
            "environment": environment.name,
            "namespace_id": environment.namespace_id,
            "plans": plans,
        },
        "retry": settings.provisioning_retry(),
        "record": {
            "table": settings.table_name(),
            "key": {"pk": {"S": environment.pk}, "sk": {"S": environment.sk}},
            "finalize_due": models.due_pk(FINALIZE, 0),
            **STATES[operation],
        },
    }


MAX_NAME = 80  # Step Functions' limit for execution names


def execution_name(namespace_id: str, environment: str, attempt_id: str) -> str:
    """Unique per run and valid for every environment name the API accepts:
    ``<namespace_id>-<environment>-<attempt_id>``; when that does not fit,
    the environment's name is shortened and a hash of it keeps it unique
    (the ids are never cut)."""
    name = f"{namespace_id}-{environment}-{attempt_id}"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(environment.encode()).hexdigest()[:12]
    room = MAX_NAME - len(namespace_id) - len(attempt_id) - len(digest) - 3
    return f"{namespace_id}-{environment[:room].rstrip('-')}-{digest}-{attempt_id}"


def start(environment: models.Environment, operation: str, plans: dict, attempt_id: str) -> str:
    """Start one run; the name makes a repeated start of the same run a no-op."""
    response = aws.client("stepfunctions").start_execution(
        stateMachineArn=settings.state_machine_arn(),
        name=execution_name(environment.namespace_id, environment.name, attempt_id),
        input=json.dumps(job_input(environment, operation, plans)),
    )
    return response["executionArn"]


def stop(execution_arn: str) -> None:
    """Stop a run (its environment left the manager); a finished one is left alone."""
    sfn = aws.client("stepfunctions")
    try:
        sfn.stop_execution(executionArn=execution_arn, cause="removed from Cluster Manager")
    except sfn.exceptions.ExecutionDoesNotExist:
        pass


def report(task_token: str, ok: bool, result: dict | None, error: str | None) -> bool:
    """Hand the agent's answer to the waiting workflow; False when the attempt
    is already over (timed out, or answered before: a redelivered event)."""
    sfn = aws.client("stepfunctions")
    try:
        if ok:
            sfn.send_task_success(taskToken=task_token, output=json.dumps(result or {}))
        else:
            sfn.send_task_failure(taskToken=task_token, error="AgentError",
                                  cause=(error or "the agent reported a failure")[:32000])
        return True
    except (sfn.exceptions.TaskTimedOut, sfn.exceptions.InvalidToken,
            sfn.exceptions.TaskDoesNotExist):
        return False
