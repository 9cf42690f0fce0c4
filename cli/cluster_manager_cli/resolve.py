"""Finding a cluster by its name or id."""
from cluster_manager_cli import paths
from cluster_manager_cli.errors import CliError


def find_cluster(api, ref: str) -> dict | None:
    """The cluster whose id or name is ``ref`` (as listed), or None."""
    clusters = api.all_pages(paths.CLUSTERS)
    exact = [c for c in clusters if c["cluster_id"] == ref]
    if exact:
        return exact[0]
    named = [c for c in clusters if c["name"] == ref]
    if len(named) > 1:
        ids = ", ".join(c["cluster_id"] for c in named)
        raise CliError(f"{len(named)} of your clusters are named {ref!r} ({ids}); "
                       "pass the cluster id instead.")
    return named[0] if named else None


def cluster(api, ref: str) -> dict:
    found = find_cluster(api, ref)
    if found is None:
        raise CliError(f"No cluster named or with id {ref!r} is visible to you; "
                       "`cluster-manager clusters list` shows yours.")
    return found


def cluster_id(api, ref: str) -> str:
    return cluster(api, ref)["cluster_id"]
