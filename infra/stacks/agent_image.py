"""The agent's container image, built from ``agent/Dockerfile`` and published
into the account's ECR by ``cdk deploy`` (a Docker image asset: synthesis
only stages the build context, so ``make synth`` needs no Docker; ``make
deploy`` does).  The installation script uses it by default; the context
value ``agent_image`` (e.g. ``-c agent_image=registry.example.com/cm/agent:1.2``)
replaces it for clusters that pull from elsewhere."""
from pathlib import Path

from aws_cdk import aws_ecr_assets as ecr_assets
from constructs import Construct

AGENT_DIR = Path(__file__).resolve().parents[2] / "agent"


class AgentImage(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        self.asset = ecr_assets.DockerImageAsset(
            self, "Image", directory=str(AGENT_DIR), file="Dockerfile",
            platform=ecr_assets.Platform.LINUX_AMD64,
            exclude=["__pycache__", "**/__pycache__", "*.pyc"])

    @property
    def image_uri(self) -> str:
        return self.asset.image_uri
