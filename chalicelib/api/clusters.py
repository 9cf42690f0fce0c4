"""Routes: /clusters and /clusters/{cluster_id}."""
from chalicelib import clock
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import clusters

routes = Routes(__name__, tag="clusters")


@routes.route("/clusters", "POST", status=201, request="ClusterCreate", response="Cluster",
              summary="Register a cluster (OpenShift or Kubernetes)")
def create_cluster(call):
    body = call.body
    cluster = clusters.create(call.principal, name=body.name, type=body.type,
                              description=body.description, platform=body.platform)
    return views.cluster(cluster, [])


@routes.route("/clusters", "GET", response="ClusterPage", paginated=True,
              summary="List your clusters with their namespaces' status and runtime")
def list_clusters(call):
    page, next_token = clusters.list_for(call.principal, call.limit, call.next_token)
    now = clock.now()
    return views.page([views.cluster(c, ns, now) for c, ns in page], next_token)


@routes.route("/clusters/{cluster_id}", "GET", response="Cluster",
              summary="A cluster with its namespaces")
def get_cluster(call):
    from chalicelib.domain.access import load_cluster

    cluster, namespaces = load_cluster(call.principal, call.params["cluster_id"])
    return views.cluster(cluster, namespaces)


@routes.route("/clusters/{cluster_id}", "PATCH", request="ClusterUpdate", response="Cluster",
              summary="Rename a cluster or edit its description (creator only)")
def update_cluster(call):
    changes = call.body.model_dump(exclude_unset=True)
    cluster, namespaces = clusters.update(call.principal, call.params["cluster_id"], changes)
    return views.cluster(cluster, namespaces)


@routes.route("/clusters/{cluster_id}", "DELETE", response="ClusterDeleted",
              summary="Remove a cluster and everything under it from the portal (creator only); "
                      "the platform itself is untouched")
def delete_cluster(call):
    cluster_id = call.params["cluster_id"]
    clusters.delete(call.principal, cluster_id)
    return {"cluster_id": cluster_id, "deleted": True, "message": clusters.PLATFORM_UNTOUCHED}
