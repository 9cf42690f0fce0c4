"""``python -m devstack run|token|runner`` — see ``--help``."""
import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from devstack import issuer
from devstack.stack import ROOT, Stack, stage_env


def cmd_run(args) -> int:
    stack = Stack(api_port=args.api_port, aws_port=args.aws_port, issuer_port=args.issuer_port,
                  console_port=args.console_port, console_poll_seconds=args.console_poll_seconds,
                  pg_port=args.pg_port or None,
                  state_dir=Path(args.state_dir), reload=args.reload,
                  # chalice's reloader restarts on any file change below the project,
                  # so with it on, the logs must live elsewhere
                  log_dir=Path(tempfile.mkdtemp(prefix="cluster-manager-logs-")) if args.reload
                  else None)
    stopping = {"now": False}

    def on_signal(*_):
        stopping["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stack.start()
    except Exception as exc:
        print(f"make run: could not start the local stack: {exc}", file=sys.stderr)
        return 1
    token = "$(make -s token EMAIL=alice@example.com | tail -1)"
    print(f"""
Cluster Manager is running.
  Console:        {stack.console_url}   (sign in with any e-mail address)
  API:            {stack.api_url}   (OpenAPI document: {stack.api_url}/openapi.json)
  AWS stand-in:   {stack.aws_url}   (moto; state is in memory and lost on exit)
  Dev issuer:     {stack.issuer_url}   (OpenID provider: {stack.issuer_url}/.well-known/openid-configuration)
  PostgreSQL:     127.0.0.1:{args.pg_port}   (admin URL for postgres plans: make -s pg-url)
  Get a token:    make token EMAIL=alice@example.com
  Try it:         curl -s -H "Authorization: Bearer {token}" {stack.api_url}/clusters
Press Ctrl-C to stop everything.""", flush=True)
    try:
        while not stopping["now"]:
            problem = stack.failed()
            if problem:
                print(f"make run: {problem}; stopping the stack.", file=sys.stderr)
                return 1
            time.sleep(0.5)
    finally:
        print("stopping …", flush=True)
        stack.stop()
    return 0


def cmd_pg_url(args) -> int:
    """The local PostgreSQL server's admin URL (last line), for a postgres plan."""
    from devstack.postgres import LocalPostgres

    pg = LocalPostgres(Path(args.state_dir) / "postgres", args.pg_port)
    if not pg.password_file.exists():
        print("make pg-url: the local PostgreSQL server has not been set up yet; start the "
              "stack with make run", file=sys.stderr)
        return 1
    print(f"# admin URL of the local PostgreSQL server (make run, port {args.pg_port}):")
    print(pg.url)
    return 0


def cmd_token(args) -> int:
    env = stage_env()
    issuer_url = os.environ.get("JWT_ISSUER") or issuer.local_url(args.issuer_port)
    audience = os.environ.get("JWT_AUDIENCE", env["JWT_AUDIENCE"])
    token = issuer.mint(Path(args.state_dir), args.email, issuer=issuer_url, audience=audience,
                        ttl_seconds=args.hours * 3600)
    print(f"# bearer token for {args.email}, valid {args.hours} h (local dev issuer):")
    print(token)
    return 0


def cmd_mail(args) -> int:
    """Mail "sent" through the stand-in's SES (nothing leaves the machine)."""
    import json
    import urllib.request

    url = f"http://127.0.0.1:{args.aws_port}/moto-api/data.json?service=ses&model=Message"
    try:
        data = json.load(urllib.request.urlopen(url, timeout=60))
    except OSError as exc:
        print(f"make mail: the local stack is not running on port {args.aws_port} ({exc}); "
              "start it with make run", file=sys.stderr)
        return 1
    messages = data.get("ses", {}).get("Message", [])
    shown = 0
    for message in messages:
        to = message.get("destinations", {}).get("ToAddresses", [])
        if args.to and args.to.lower() not in [t.lower() for t in to]:
            continue
        shown += 1
        print(f"--- to {', '.join(to)} from {message.get('source')}\n"
              f"Subject: {message.get('subject')}\n\n{message.get('body')}")
    print(f"({shown} message(s))")
    return 0


def cmd_agent(args) -> int:
    """Run the reference agent for a namespace in simulate mode, with the
    parameters its Installation tab shows (what the installation script would
    put into the cluster's Secret)."""
    import json
    import urllib.error
    import urllib.request

    env = stage_env()
    token = issuer.mint(Path(args.state_dir), args.email,
                        issuer=issuer.local_url(args.issuer_port), audience=env["JWT_AUDIENCE"])
    url = (f"http://127.0.0.1:{args.api_port}/clusters/{args.cluster}/namespaces/"
           f"{args.namespace}/installation")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        params = json.load(urllib.request.urlopen(request, timeout=30))["parameters"]
    except urllib.error.HTTPError as exc:
        print(f"make agent: {exc.code} from {url}: {exc.read().decode(errors='replace')}",
              file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"make agent: cannot reach the API at port {args.api_port} ({exc}); is make run "
              "running?", file=sys.stderr)
        return 1
    folder = Path(args.dir or Path(args.state_dir) / "agents" / args.namespace)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"agent for namespace {args.namespace}: simulating the cluster in {folder}", flush=True)
    child_env = {**os.environ, "CM_AGENT_SECRET": params["agent_secret"]}
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        child_env.pop(name, None)  # the agent uses only what its session grants
    # S3 plans' buckets and IAM users: locally, the stand-in plays AWS (plan keys only)
    aws_url = f"http://127.0.0.1:{args.aws_port}"
    child_env.update(AWS_ENDPOINT_URL_S3=aws_url, AWS_ENDPOINT_URL_IAM=aws_url)
    os.execve(sys.executable, [sys.executable, "-m", "agent", "run", "--api-url",
                               params["api_url"], "--namespace-id", params["namespace_id"],
                               "--simulate", str(folder)], child_env)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack",
                                     description="Run Cluster Manager locally.")
    sub = parser.add_subparsers(dest="command", required=True)
    default_state = str(ROOT / ".local")
    issuer_port = int(os.environ.get("ISSUER_PORT", 8001))

    run = sub.add_parser("run", help="start moto, the API and the event runner; Ctrl-C stops all")
    run.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", 8000)))
    run.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_PORT", 5000)))
    run.add_argument("--issuer-port", type=int, default=issuer_port,
                     help="port of the dev OpenID issuer (0: any free port)")
    run.add_argument("--console-port", type=int,
                     default=int(os.environ.get("CONSOLE_PORT", 8080)),
                     help="port of the web console (default 8080)")
    run.add_argument("--console-poll-seconds", type=float,
                     default=float(os.environ.get("CONSOLE_POLL_SECONDS", 5)),
                     help="how often the console refreshes live views (default 5)")
    run.add_argument("--state-dir", default=default_state,
                     help="where the dev issuer's keys and logs live (default: .local/)")
    run.add_argument("--reload", action="store_true",
                     help="restart the API when a file of the project changes (chalice's "
                          "watcher polls the whole project, .venv included: it costs CPU)")
    run.add_argument("--no-reload", action="store_false", dest="reload",
                     help="do not restart the API when code changes (the default)")
    run.add_argument("--pg-port", type=int, default=int(os.environ.get("PG_PORT", 55432)),
                     help="the local PostgreSQL server's port (0: no server)")
    run.set_defaults(func=cmd_run)

    pg_url = sub.add_parser("pg-url", help="print the local PostgreSQL server's admin URL "
                                           "(last line)")
    pg_url.add_argument("--pg-port", type=int, default=int(os.environ.get("PG_PORT", 55432)))
    pg_url.add_argument("--state-dir", default=default_state)
    pg_url.set_defaults(func=cmd_pg_url)

    token = sub.add_parser("token", help="print a bearer token for the local stack (last line)")
    token.add_argument("--email", required=True)
    token.add_argument("--hours", type=int, default=12)
    token.add_argument("--issuer-port", type=int, default=issuer_port,
                       help="the dev issuer's port in make run (the token's iss)")
    token.add_argument("--state-dir", default=default_state)
    token.set_defaults(func=cmd_token)

    mail = sub.add_parser("mail", help="print the mail the local stack has sent (invitations)")
    mail.add_argument("--to", help="only mail to this address")
    mail.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_PORT", 5000)))
    mail.set_defaults(func=cmd_mail)

    agent = sub.add_parser("agent", help="run the simulated agent of a namespace (make agent)")
    agent.add_argument("--email", required=True, help="the cluster's creator")
    agent.add_argument("--cluster", required=True, help="cluster id")
    agent.add_argument("--namespace", required=True, help="namespace name")
    agent.add_argument("--dir", help="where the simulated cluster state goes "
                                     "(default .local/agents/<namespace>)")
    agent.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", 8000)))
    agent.add_argument("--issuer-port", type=int, default=issuer_port)
    agent.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_PORT", 5000)))
    agent.add_argument("--state-dir", default=default_state)
    agent.set_defaults(func=cmd_agent)

    runner = sub.add_parser("runner", help="(internal) feed queues and schedules to handlers")
    runner.set_defaults(func=lambda _a: __import__("devstack.runner").runner.main() or 0)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
