"""Routes: /clusters/{cluster_id}/namespaces[/{namespace}]."""
from chalicelib import clock
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import namespaces
from chalicelib.domain.access import authorize

routes = Routes(__name__, tag="namespaces")

BASE = "/clusters/{cluster_id}/namespaces"


@routes.route(BASE, "POST", status=201, request="NamespaceCreate", response="Namespace",
              summary="Add a namespace (creator only); it waits for its agent to connect")
def create_namespace(call):
    grant, ns = namespaces.create(call.principal, call.params["cluster_id"], name=call.body.name,
                                  installation_type=call.body.installation_type)
    call.activity = {"namespace": ns.name, "namespace_id": ns.namespace_id}
    return views.namespace(ns, grant)


@routes.route(BASE, "GET", response="NamespacePage", paginated=True,
              summary="List the cluster's namespaces you can see")
def list_namespaces(call):
    grant, items, next_token = namespaces.list_page(call.principal, call.params["cluster_id"],
                                                    call.limit, call.next_token)
    now = clock.now()
    return views.page([views.namespace(ns, grant, now) for ns in items if not ns.deleting],
                      next_token)


@routes.route(BASE + "/{namespace}", "GET", response="Namespace",
              summary="A namespace with its status, last_seen, connected_since and runtime")
def get_namespace(call):
    grant = authorize(call.principal, call.params["cluster_id"], namespace=call.params["namespace"])
    return views.namespace(grant.target, grant)


@routes.route(BASE + "/{namespace}", "DELETE", response="NamespaceDeleted",
              summary="Remove a namespace from the manager (creator only); nothing on the "
                      "platform is touched or deprovisioned. With environments present it "
                      "needs ?confirm=true")
def delete_namespace(call):
    left = namespaces.delete(call.principal, call.params["cluster_id"], call.params["namespace"],
                             confirm=call.query.get("confirm") == "true")
    return {"namespace": call.params["namespace"], "deleted": True,
            "message": namespaces.NAMESPACE_UNTOUCHED, "left_on_platform": left}
