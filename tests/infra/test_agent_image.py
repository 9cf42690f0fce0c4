"""The agent's image in AWS: a Docker image asset built from agent/Dockerfile
(synthesis stages it without Docker), and the installation script's default."""
import json

import pytest

from infra.stacks.agent_image import AGENT_DIR

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_agent_image_is_built_from_its_dockerfile_and_is_the_default(assembly):
    assets = [json.loads(p.read_text()) for p in assembly.outdir.glob("*.assets.json")]
    images = [(h, image) for a in assets for h, image in a.get("dockerImages", {}).items()]
    assert len(images) == 1, images
    digest, image = images[0]
    assert image["source"]["dockerFile"] == "Dockerfile"
    staged = assembly.outdir / image["source"]["directory"]
    assert (staged / "Dockerfile").read_text() == (AGENT_DIR / "Dockerfile").read_text()
    assert (staged / "__main__.py").exists() and (staged / "requirements.txt").exists()
    for _, (_, function) in assembly.functions().items():
        variables = function["Properties"]["Environment"]["Variables"]
        for name in ("AGENT_IMAGE", "OPERATOR_IMAGE"):
            assert digest in json.dumps(variables[name]), (name, variables[name])
