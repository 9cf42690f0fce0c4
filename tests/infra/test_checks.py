"""The synthesized templates pass cfn-lint, and cdk-nag's AWS Solutions checks
pass with every acknowledged finding carrying its reason."""
import json
import subprocess
import sys
from pathlib import Path

import pytest


def test_synthesis_is_quick_enough(assembly):
    print(f"\nsynthesis took {assembly.seconds:.1f} s")
    assert assembly.seconds < 300


@pytest.fixture(scope="module")
def lint(assembly):
    files = sorted(str(p) for p in assembly.outdir.glob("*.template.json"))
    assert len(files) == 3
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    out = subprocess.run([str(cfn_lint), "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
    return files, out


def test_cfn_lint_finds_nothing_in_any_template(lint):
    files, out = lint
    findings = json.loads(out.stdout or "[]")
    assert findings == [], "\n".join(
        f"{f['Rule']['Id']} {f['Location']['Path']}: {f['Message']}" for f in findings)
    assert out.returncode == 0, out.stderr


def test_cdk_nag_reports_no_unacknowledged_finding(assembly):
    report = json.loads((assembly.outdir / "validation-report.json").read_text())
    failures = [r for r in report["pluginReports"] if r.get("conclusion") != "success"]
    assert failures == []
    # the checks did run: the templates carry the acknowledgements cdk-nag read
    assert acknowledgements(assembly)


def acknowledgements(assembly) -> list:
    found = []
    for stack, template in assembly.templates.items():
        for logical_id, resource in template["Resources"].items():
            rules = resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
            found += [(stack, logical_id, r["id"], r.get("reason", "")) for r in rules]
    return found


def test_every_acknowledged_finding_has_a_reason(assembly):
    for stack, logical_id, rule, reason in acknowledgements(assembly):
        assert rule.startswith("AwsSolutions-"), rule
        assert len(reason.split()) >= 8, f"{stack}/{logical_id} {rule}: reason too thin: {reason!r}"


def test_only_expected_rules_are_acknowledged(assembly):
    rules = {rule.split("[", 1)[0] for _, _, rule, _ in acknowledgements(assembly)}
    # IAM5: run-time resource prefixes and X-Ray; IAM4: API Gateway's logging role;
    # COG8: Plus plan; SNS2: alarm topic key; the console's CloudFront (CFR1/2/4), its
    # buckets' access logs (S1) and the CDK's BucketDeployment provider (L1, IAM4/5).
    # Anything new needs a look.
    assert rules <= {"AwsSolutions-IAM5", "AwsSolutions-IAM4", "AwsSolutions-COG8",
                     "AwsSolutions-SNS2", "AwsSolutions-S1", "AwsSolutions-CFR1",
                     "AwsSolutions-CFR2", "AwsSolutions-CFR4", "AwsSolutions-L1"}, rules
    for _stack, logical_id, rule, _ in acknowledgements(assembly):
        if rule.startswith("AwsSolutions-IAM5") and "CDKBucketDeployment" not in logical_id:
            assert rule.startswith("AwsSolutions-IAM5[Resource::"), rule   # never Action::*
        if rule.startswith("AwsSolutions-L1"):
            assert "CDKBucketDeployment" in logical_id, logical_id  # only the CDK's own
