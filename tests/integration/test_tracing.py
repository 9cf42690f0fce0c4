"""X-Ray: on Lambda, handlers and AWS calls become subsegments sent to the
daemon; locally the SDK is not even imported."""
import json
import socket
import subprocess
import sys
from pathlib import Path

from tests.apiclient import unique_email

ROOT = Path(__file__).resolve().parents[2]

CALL = """
import json, sys
import app
event = {"resource": "/clusters", "path": "/clusters", "httpMethod": "GET",
         "headers": {"Authorization": "Bearer %s"}, "multiValueHeaders": {},
         "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None,
         "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/clusters", "httpMethod": "GET",
                            "path": "/api/clusters", "stage": "api", "identity": {}}}
resp = app.app(event, None)
print(json.dumps({"status": resp["statusCode"], "xray": "aws_xray_sdk" in sys.modules}))
"""


def run(env, token):
    out = subprocess.run([sys.executable, "-c", CALL % token], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


def test_on_lambda_handlers_and_dynamodb_calls_are_traced(stack, mint):
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(5)
    env = {**stack.env(),
           "AWS_LAMBDA_FUNCTION_NAME": "cluster-manager-dev",
           "LAMBDA_TASK_ROOT": str(ROOT),
           "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
           "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}"}
    result, stderr = run(env, mint(unique_email()))
    assert result == {"status": 200, "xray": True}
    names = set()
    try:
        while True:
            packet = daemon.recv(65536).decode()
            names.add(json.loads(packet.split("\n", 1)[1])["name"])
    except socket.timeout:
        pass
    finally:
        daemon.close()
    assert "GET /clusters" in names
    assert "DynamoDB" in names or any("dynamodb" in n.lower() for n in names), names


def test_locally_tracing_stays_off_and_quiet(stack, mint):
    result, stderr = run(stack.env(), mint(unique_email()))
    assert result == {"status": 200, "xray": False}
    assert "xray" not in stderr.lower()
