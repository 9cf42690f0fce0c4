"""boto3 clients, built on first use and kept for the life of the process.

Nothing here runs at import: ``app.py`` must start without building a client
(cold start), and Chalice's test client swaps the environment per call.
Endpoints come from the environment (``AWS_ENDPOINT_URL`` on the local stack).
"""
import functools


@functools.lru_cache(maxsize=None)
def client(service: str):
    import boto3  # lazy: importing app.py builds no client and loads no SDK (cold start)

    return boto3.session.Session().client(service)


def sqs():
    return client("sqs")


def secrets():
    return client("secretsmanager")


def sts():
    return client("sts")


def reset() -> None:
    """Forget cached clients (tests that change the environment)."""
    client.cache_clear()
