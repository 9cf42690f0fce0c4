"""Property-based: whatever schemathesis generates from the OpenAPI document
— valid, borderline and invalid bodies, parameters and methods — the API
never answers with a 5xx."""
import subprocess
import sys
from pathlib import Path

from tests.apiclient import unique_email

ROOT = Path(__file__).resolve().parents[2]


def test_no_generated_request_gets_a_server_error(stack, mint, tmp_path):
    st = Path(sys.executable).parent / "st"
    result = subprocess.run(
        [str(st), "run", f"{stack.api_url}/openapi.json",
         "-H", f"Authorization: Bearer {mint(unique_email('fuzz'))}",
         "--checks", "not_a_server_error", "--max-examples", "8", "--seed", "1",
         "--workers", "1", "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
