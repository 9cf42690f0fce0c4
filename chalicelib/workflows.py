"""Starting the provisioning workflow (one Step Functions state machine,
``infra/statemachines/provisioning.asl.json``, used by the local stack and
by the CDK app alike).  The input carries everything the machine needs, so
its definition names no resource."""
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


def start(environment: models.Environment, operation: str, plans: dict, attempt_id: str) -> str:
    """Start one run; the name makes a repeated start of the same run a no-op."""
    response = aws.client("stepfunctions").start_execution(
        stateMachineArn=settings.state_machine_arn(),
        name=f"{environment.namespace_id}-{environment.name}-{attempt_id}"[:80],
        input=json.dumps(job_input(environment, operation, plans)),
    )
    return response["executionArn"]


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
