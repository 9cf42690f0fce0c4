"""Routes: operate URLs and the activity log."""
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import activity, operate

routes = Routes(__name__, tag="operate")

NS = "/clusters/{cluster_id}/namespaces/{namespace}"


@routes.route(NS + "/operate", "GET", response="Operate",
              summary="The namespace's Metrics, Alerts, Logs and Backups links (each shown only "
                      "to members with its right: view_metrics, view_alerts, view_logs, "
                      "manage_backups)")
def get_operate(call):
    return operate.get(call.principal, call.params["cluster_id"], call.params["namespace"])


@routes.route(NS + "/operate", "PUT", request="OperateUrls", response="Operate",
              summary="Set all operate links (creator or manager); a field left out is cleared")
def put_operate(call):
    return operate.put(call.principal, call.params["cluster_id"], call.params["namespace"],
                       call.body.model_dump())


@routes.route(NS + "/operate", "PATCH", request="OperateUrlsPatch", response="Operate",
              summary="Set some operate links (creator or manager); the others stay, null "
                      "clears one")
def patch_operate(call):
    return operate.patch(call.principal, call.params["cluster_id"], call.params["namespace"],
                         call.body.model_dump(exclude_unset=True))


@routes.route("/clusters/{cluster_id}/activity", "GET", response="ActivityPage", paginated=True,
              summary="Everything that changed in the cluster, newest first (creator only)")
def cluster_activity(call):
    items, next_token = activity.cluster_page(call.principal, call.params["cluster_id"],
                                              call.limit, call.next_token)
    return views.page([views.activity(a) for a in items], next_token)


@routes.route(NS + "/activity", "GET", response="ActivityPage", paginated=True,
              summary="Everything that changed in the namespace, newest first")
def namespace_activity(call):
    items, next_token = activity.namespace_page(call.principal, call.params["cluster_id"],
                                                call.params["namespace"], call.limit,
                                                call.next_token)
    return views.page([views.activity(a) for a in items], next_token)
