"""Routes: /clusters and /clusters/{cluster_id}."""
from chalicelib import clock
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import clusters, managers
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
              summary="Remove a cluster and everything under it from the manager (creator "
                      "only); nothing on the platform is touched or deprovisioned. With "
                      "environments present it needs ?confirm=true")
def delete_cluster(call):
    cluster_id = call.params["cluster_id"]
    left = clusters.delete(call.principal, cluster_id, confirm=call.query.get("confirm") == "true")
    call.activity = False  # its activity log went with it
    return {"cluster_id": cluster_id, "deleted": True, "message": clusters.PLATFORM_UNTOUCHED,
            "left_on_platform": left}


@routes.route("/clusters/{cluster_id}/managers", "GET", response="ClusterManagers",
              summary="The cluster's creator and the managers they appointed (managers only)")
def list_managers(call):
    return managers.get(call.principal, call.params["cluster_id"])


@routes.route("/clusters/{cluster_id}/managers/{email}", "PUT", response="ClusterManagers",
              errors=(422,),
              summary="Appoint a cluster manager (creator only): they add namespaces, manage "
                      "members and plans, and hold every right in every namespace")
def appoint_manager(call):
    call.activity = {"email": call.params["email"].strip().lower()}
    return managers.appoint(call.principal, call.params["cluster_id"], call.params["email"])


@routes.route("/clusters/{cluster_id}/managers/{email}", "DELETE", response="ClusterManagers",
              summary="Remove a cluster manager (creator only); their namespace memberships "
                      "stay. The creator cannot be removed")
def remove_manager(call):
    call.activity = {"email": call.params["email"].strip().lower()}
    return managers.remove(call.principal, call.params["cluster_id"], call.params["email"])
