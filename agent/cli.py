"""``python -m agent run``: parameters from flags or the environment.
``python -m agent fault``: inject faults into a simulated agent.

In a cluster the parameters come from the Secret ``mendix-agent-config`` as
environment variables (the installation script wires them), which also
keeps the secret out of the process list; flags are for running by hand.
"""
import argparse
import json
import logging
import os
import signal
import sys

from agent import __version__, faults, runner, secrets, session
from agent.executors import KubectlExecutor, SimulateExecutor

log = logging.getLogger("agent")

ENV = {"api_url": "CM_API_URL", "namespace_id": "CM_NAMESPACE_ID", "secret": "CM_AGENT_SECRET",
       "heartbeat_seconds": "CM_HEARTBEAT_SECONDS", "simulate": "CM_SIMULATE_DIR"}

EPILOG = """\
Every option may instead come from its environment variable (the option wins).
Heartbeat interval: --heartbeat-seconds if given, else the session's
heartbeat_seconds (the backend's current setting), else CM_HEARTBEAT_SECONDS,
else 30.

Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad arguments,
3 credentials revoked or rotated (copy the current parameters from the
namespace's Installation tab and re-run the installation script).
"""


FAULT_DESCRIPTION = """\
Inject faults into the provisioning tasks (provision and deprovision, any
step) of an agent running with --simulate DIR; takes effect at its next
attempt, no restart needed.  The faults live in DIR/faults.json, which the
agent reads (and counts down) at every attempt; this command edits it
atomically.  Without options it prints the faults in effect.
"""

FAULT_EPILOG = """\
Per attempt, in this order: a pending hang (--hang-next) takes the task and
never answers, so the workflow's attempt timeout fires; else --fail-always
fails it; else a pending --fail-next fails it.  A failure is answered with
ok false and --message (default: a text naming this tool), which the API
shows as the environment's last_error.

Examples:
  python -m agent fault --simulate ./sim --fail-next 2 --message "disk full"
  python -m agent fault --simulate ./sim --fail-always
  python -m agent fault --simulate ./sim --hang-next 1
  python -m agent fault --simulate ./sim --clear

Prints the faults now in effect (JSON).  Exit codes: 0 done, 1 DIR/faults.json
is unreadable (fix it with --clear), 2 bad arguments.
"""


def whole_number(minimum: int, unit: str = ""):
    """An argparse type: a whole number (of ``unit``) of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number{unit}") from None
        if value < minimum:
            limit = "0 or more" if minimum == 0 else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"{value} must be {limit}")
        return value
    return parse


count = whole_number(0)
positive_int = whole_number(1, " of seconds")


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and its subparsers by name (whose errors name them)."""
    parser = argparse.ArgumentParser(
        prog="python -m agent",
        description="Cluster Manager agent: connects one namespace to Cluster Manager, "
                    "carries out its commands and provisioning tasks, and reports heartbeats.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="connect and serve the namespace until stopped",
        description="Connect to Cluster Manager and serve the namespace's commands until "
                    "SIGTERM/SIGINT.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--api-url", metavar="URL",
                     help="base URL of the Cluster Manager API (env CM_API_URL)")
    run.add_argument("--namespace-id", metavar="ID", help="the namespace's id (env CM_NAMESPACE_ID)")
    run.add_argument("--secret", metavar="SECRET",
                     help="the namespace's agent secret, cma_… (env CM_AGENT_SECRET; prefer the "
                          "variable: a flag shows in the process list)")
    run.add_argument("--heartbeat-seconds", metavar="N", type=positive_int,
                     help="seconds between heartbeats (env CM_HEARTBEAT_SECONDS; default: the "
                          "session's value, else 30)")
    run.add_argument("--simulate", metavar="DIR",
                     help="touch no cluster: keep the namespace's simulated state in DIR "
                          "(env CM_SIMULATE_DIR); default: act with kubectl/oc. Faults can be "
                          "injected while it runs: python -m agent fault --help")
    run.add_argument("--record-timings", action="store_true",
                     help="with --simulate: append each handled message's receipt and answer "
                          "times (wall clock) to DIR/timings.jsonl, for benchmarks")
    run.add_argument("-v", "--verbose", action="store_true", help="also log every heartbeat")
    fault = commands.add_parser(
        "fault", help="inject provisioning faults into a simulated agent (--simulate DIR)",
        description=FAULT_DESCRIPTION, epilog=FAULT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    fault.add_argument("--simulate", metavar="DIR",
                       help="the running agent's --simulate directory (env CM_SIMULATE_DIR)")
    fault.add_argument("--fail-next", metavar="N", type=count,
                       help="fail the next N attempts (replaces the pending count)")
    fault.add_argument("--fail-always", action="store_true",
                       help="fail every attempt until --clear")
    fault.add_argument("--hang-next", metavar="N", type=count,
                       help="take the next N attempts and never answer them (the workflow's "
                            "attempt timeout fires)")
    fault.add_argument("--message", metavar="TEXT",
                       help="the error the injected failures report")
    fault.add_argument("--clear", action="store_true",
                       help="remove every fault first (the other options then apply)")
    operator = commands.add_parser(
        "operator", help="the operator's side: keep checking the operator configuration",
        description="Keep checking the operator configuration the agent applies (the "
                    "ConfigMap mendix-operator-config, or DIR/operator-config.json with "
                    "--simulate) and report each change, until SIGTERM/SIGINT.")
    operator.add_argument("--simulate", metavar="DIR",
                          help="read DIR/operator-config.json instead of the ConfigMap")
    operator.add_argument("--namespace", metavar="NAME",
                          help="the namespace (env CM_NAMESPACE; default: kubectl's)")
    operator.add_argument("--interval", metavar="SECONDS", type=positive_int, default=30,
                          help="seconds between checks (default 30)")
    operator.add_argument("--once", action="store_true",
                          help="check once, print the finding, exit 0 (info) or 1")
    return parser, {"run": run, "fault": fault, "operator": operator}


def parse(argv=None, environ=None) -> argparse.Namespace:
    """Flags, then environment variables; exits 2 naming what is missing."""
    environ = os.environ if environ is None else environ
    parser, subs = _parsers()
    args = parser.parse_args(argv)
    if not args.simulate:
        args.simulate = environ.get(ENV["simulate"]) or None
    if args.command == "operator":
        args.namespace = args.namespace or environ.get("CM_NAMESPACE") or None
        return args
    if args.command == "fault":
        if not args.simulate:
            subs["fault"].error(f"missing --simulate DIR (or {ENV['simulate']}): the directory "
                                "of the agent running with --simulate")
        return args
    return _run_args(args, environ, subs["run"])


def _run_args(args: argparse.Namespace, environ, run) -> argparse.Namespace:
    """``run``'s settings: flags, then environment variables."""
    args.heartbeat_fallback = runner.DEFAULT_HEARTBEAT_SECONDS
    if environ.get(ENV["heartbeat_seconds"]):
        try:
            args.heartbeat_fallback = positive_int(environ[ENV["heartbeat_seconds"]])
        except argparse.ArgumentTypeError as exc:
            run.error(f"{ENV['heartbeat_seconds']}: {exc}")
    for name in ("api_url", "namespace_id", "secret"):
        if not getattr(args, name):
            setattr(args, name, environ.get(ENV[name]) or None)
    missing = [f"--{name.replace('_', '-')} (or {ENV[name]})"
               for name in ("api_url", "namespace_id", "secret") if not getattr(args, name)]
    if missing:
        run.error(f"missing {', '.join(missing)}")
    if args.record_timings and not args.simulate:
        run.error("--record-timings needs --simulate DIR (the file goes there)")
    return args


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s")
    log.setLevel(logging.DEBUG if verbose else logging.INFO)  # libraries stay quiet


def run_until_signalled(agent: runner.Agent) -> int:
    def on_signal(signum, _frame):
        agent.request_stop(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return agent.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def fault(args: argparse.Namespace) -> int:
    try:
        now = faults.edit(args.simulate, clear=args.clear, fail_next=args.fail_next,
                          fail_always=True if args.fail_always else None,
                          hang_next=args.hang_next, message=args.message)
    except faults.BadFaults as exc:
        print(f"python -m agent fault: {exc}; run again with --clear", file=sys.stderr)
        return 1
    print(json.dumps(now, indent=2, sort_keys=True))
    return 0


def operate(args: argparse.Namespace) -> int:
    import shutil
    import threading

    from agent import operator

    cli = next((c for c in ("kubectl", "oc") if shutil.which(c)), "kubectl")
    read = operator.reader(args.simulate, cli, args.namespace)
    stop = threading.Event()
    op = operator.Operator(read, args.interval, stop)
    if args.once:
        level, message = op.tick()
        print(f"{level}: {message}")
        return 0 if level == "info" else 1
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("operator %s checking the operator configuration every %d s", __version__,
             args.interval)
    return op.run()


def main(argv=None) -> int:
    args = parse(argv)
    if args.command == "fault":
        return fault(args)
    if args.command == "operator":
        configure_logging(False)
        logging.getLogger("agent.operator").setLevel(logging.INFO)
        return operate(args)
    configure_logging(args.verbose)
    executor = (SimulateExecutor(args.simulate, record_timings=args.record_timings)
                if args.simulate else KubectlExecutor())
    executor.secrets = secrets.SecretReader(args.api_url, args.namespace_id, args.secret)
    log.info("agent %s starting (namespace %s, %s executor, API %s)", __version__,
             args.namespace_id, executor.name, args.api_url)
    agent = runner.Agent(
        lambda: session.exchange(args.api_url, args.namespace_id, args.secret), executor,
        heartbeat_override=args.heartbeat_seconds, heartbeat_fallback=args.heartbeat_fallback)
    return run_until_signalled(agent)
