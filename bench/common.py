"""What the benchmarks share: a local stack of their own on free ports (the
same launcher as ``make run``), a signed-in client, and a connected namespace
with its simulated agent."""
import contextlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def local_stack(extra_env: dict | None = None, *, postgres: bool = False):
    """With ``postgres``, the stack's own PostgreSQL server too (``stack.postgres``)."""
    from devstack.stack import Stack
    from tests.conftest import free_port

    state = Path(tempfile.mkdtemp(prefix="cm-bench-"))
    stack = Stack(api_port=free_port(), aws_port=free_port(), state_dir=state,
                  log_dir=state / "logs", extra_env=extra_env or {},
                  pg_port=free_port() if postgres else None)
    print("starting a local stack …", flush=True)
    stack.start(progress=lambda *_: None)
    try:
        yield stack
    finally:
        stack.stop()


def bearer_token(stack, email: str = "bench@example.com") -> str:
    from devstack import issuer
    from devstack.stack import stage_env

    env = stage_env()
    return issuer.mint(stack.state_dir, email, issuer=stack.issuer_url, audience=env["JWT_AUDIENCE"])


@contextlib.contextmanager
def connected_namespace(extra_env: dict, *, plans=(), agent_args=(), postgres: bool = False,
                        agent_env: dict | None = None):
    """``(http, namespace_url, agent_dir)``: a cluster with one connected
    namespace (and ``plans``: a list, or a function of the stack giving one)
    whose agent runs in simulate mode (with ``agent_env`` added)."""
    import requests

    from tests.agent.process import AgentProcess, wait_for

    with local_stack(extra_env, postgres=postgres) as stack:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {bearer_token(stack)}"
        api = stack.api_url
        cid = http.post(f"{api}/clusters", json={"name": "bench", "type": "kubernetes"}).json()["cluster_id"]
        resp = http.post(f"{api}/clusters/{cid}/namespaces",
                         json={"name": "bench", "installation_type": "connected"})
        assert resp.status_code == 201, resp.text
        ns = f"{api}/clusters/{cid}/namespaces/bench"
        for plan in (plans(stack) if callable(plans) else plans):
            assert http.post(f"{ns}/plans", json=plan).status_code == 201
        params = http.get(f"{ns}/installation").json()["parameters"]
        directory = stack.state_dir / "agent"
        env = {k: v.format(aws_url=stack.aws_url) for k, v in (agent_env or {}).items()}
        agent = AgentProcess(params, directory, *agent_args, env=env)
        try:
            wait_for(lambda: http.get(ns).json()["status"] == "connected", 60, "the agent to connect")
            yield http, ns, directory
        finally:
            agent.close()
