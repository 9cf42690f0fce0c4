"""Routes: /clusters and /clusters/{cluster_id}."""
from chalicelib import clock
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import clusters
from chalicelib.domain.access import authorize

routes = Routes(__name__, tag="clusters")


@routes.route("/clusters", "POST", status=201, request="ClusterCreate", response="Cluster",
              summary="Register a cluster (OpenShift or Kubernetes)")
def create_cluster(call):
    body = call.body
    grant = clusters.create(call.principal, name=body.name, type=body.type,
                            description=body.description, platform=body.platform)
    call.activity = {"cluster_id": grant.cluster.cluster_id}
    return views.cluster(grant)


@routes.route("/clusters", "GET", response="ClusterPage", paginated=True,
              summary="List the clusters you created or belong to, with their namespaces' "
                      "status, runtime and your rights")
def list_clusters(call):
    page, next_token = clusters.list_for(call.principal, call.limit, call.next_token)
    now = clock.now()
    return views.page([views.cluster(grant, now) for grant in page], next_token)


@routes.route("/clusters/{cluster_id}", "GET", response="Cluster",
              summary="A cluster with the namespaces you can see")
def get_cluster(call):
    return views.cluster(authorize(call.principal, call.params["cluster_id"]))


@routes.route("/clusters/{cluster_id}", "PATCH", request="ClusterUpdate", response="Cluster",
              summary="Rename a cluster, edit its description or set its platform (creator only)")
def update_cluster(call):
    changes = call.body.model_dump(exclude_unset=True)
    return views.cluster(clusters.update(call.principal, call.params["cluster_id"], changes))


@routes.route("/clusters/{cluster_id}", "DELETE", response="ClusterDeleted",
              summary="Remove a cluster and everything under it from the portal (creator only); "
                      "the platform itself is untouched")
def delete_cluster(call):
    cluster_id = call.params["cluster_id"]
    clusters.delete(call.principal, cluster_id)
    call.activity = False  # its activity log went with it
    return {"cluster_id": cluster_id, "deleted": True, "message": clusters.PLATFORM_UNTOUCHED}
