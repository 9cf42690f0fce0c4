"""The CDK app: Cluster Manager on AWS.

    .venv/bin/python infra/app.py [--outdir cdk.out] [-c key=value …]   (make synth)

synthesizes the CloudFormation templates with no AWS account and no CDK CLI;
``cdk deploy --app cdk.out --all`` (make deploy) deploys them.  The CDK CLI can
also run this file itself (``infra/cdk.json``).  Context values and their
defaults: ``infra/cdk.json`` and ``infra/stacks/config.py``.

The AWS Solutions checks of cdk-nag run on every synthesis; any finding that is
not acknowledged (with its reason, next to the construct) fails it.
"""
import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDK_JSON = Path(__file__).resolve().parent / "cdk.json"

# jsii (the bridge to the CDK's JavaScript) prints a banner for old Node releases.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
# `chalice package` builds (never calls) a botocore client to learn the
# partition's service principals; it needs a region, not credentials.
os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION") or "us-east-1")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", help="cloud assembly directory (default: cdk.out at the "
                                         "repository root, or CDK_OUTDIR from the CDK CLI)")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE",
                        help="a context value (repeatable), as with `cdk -c`")
    return parser.parse_args(argv)


def context_from(args) -> dict:
    """cdk.json's context, then -c values.  Under the CDK CLI (CDK_CONTEXT_JSON
    set) the CLI has merged both already."""
    context = {}
    if "CDK_CONTEXT_JSON" not in os.environ:
        context.update(json.loads(CDK_JSON.read_text()).get("context", {}))
    for item in args.context:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"context value {item!r}: use KEY=VALUE")
        context[key] = value
    return context


def build(outdir: str, context: dict):
    """The app with both stacks and the cdk-nag checks (not yet synthesized)."""
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

    from infra.stacks import config as config_module
    from infra.stacks.api import ApiStack
    from infra.stacks.console import ConsoleStack
    from infra.stacks.data import DataStack

    app = cdk.App(outdir=outdir, context=context)
    config = config_module.from_context(app.node)
    env = cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
                          region=os.environ.get("CDK_DEFAULT_REGION"))
    data = DataStack(app, f"{config.stack_prefix}-Data", config=config, env=env,
                     termination_protection=True,
                     description="Cluster Manager: state (DynamoDB table, users)")
    api = ApiStack(app, f"{config.stack_prefix}-Api", config=config, data=data, env=env,
                   description="Cluster Manager: API, event handlers, queues, alarms")
    api.add_stack_dependency(data)
    console = ConsoleStack(app, f"{config.stack_prefix}-Console", config=config, data=data,
                           api=api, env=env,
                           description="Cluster Manager: web console (S3 + CloudFront)")
    console.add_stack_dependency(api)
    for stack in (data, api, console):
        cdk.Tags.of(stack).add("app", config_module.APP_NAME)
        cdk.Tags.of(stack).add("stage", config.stage)
    # Acknowledged findings (with their reasons) go into each resource's
    # Metadata (cdk_nag.rules_to_suppress): the audit trail the tests read.
    cdk.Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))
    return app, data, api, console


def clean(outdir: Path) -> None:
    """Empty an earlier cloud assembly (stale asset zips pile up otherwise)."""
    if (outdir / "manifest.json").exists() or (outdir / "cdk.out").exists():
        shutil.rmtree(outdir)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    outdir = Path(args.outdir or os.environ.get("CDK_OUTDIR") or ROOT / "cdk.out").resolve()
    context = context_from(args)
    # chalice.cdk packages the app from the current directory (chalice.out/).
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    if "CDK_OUTDIR" not in os.environ:  # the CDK CLI manages its own outdir
        clean(outdir)
    app, data, api, console = build(str(outdir), context)
    for message in api.warnings:
        print(f"warning: {message}", file=sys.stderr)
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
        print(f"cdk-nag: findings above are neither fixed nor acknowledged "
              f"(report: {outdir / 'validation-report.json'})", file=sys.stderr)
        return 1
    finally:
        api.discard_package()
    print(f"synthesized {data.stack_name}, {api.stack_name}, {console.stack_name} into {outdir}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
