"""Routes: environments (the Apps tab) and their provisioning."""
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import environments

routes = Routes(__name__, tag="environments")

BASE = "/clusters/{cluster_id}/namespaces/{namespace}/environments"


def _where(call):
    return call.params["cluster_id"], call.params["namespace"]


@routes.route(BASE, "POST", status=201, request="EnvironmentCreate", response="Environment",
              summary="Create an environment with active plans (right: manage environment); "
                      "its storage is provisioned through the agent, with retries")
def create_environment(call):
    body = call.body
    env = environments.create(call.principal, *_where(call), name=body.name, app=body.app,
                              database_plan=body.database_plan, storage_plan=body.storage_plan)
    call.activity = {"environment": env.name}
    return views.environment(env)


@routes.route(BASE, "GET", response="EnvironmentPage", paginated=True,
              summary="The namespace's apps and environments with their state")
def list_environments(call):
    items, next_token = environments.list_page(call.principal, *_where(call), call.limit,
                                               call.next_token)
    return views.page([views.environment(e) for e in items], next_token)


@routes.route(BASE + "/{env}", "GET", response="Environment",
              summary="An environment with its provisioning state: step, attempt, last error, "
                      "next retry")
def get_environment(call):
    return views.environment(environments.get(call.principal, *_where(call), call.params["env"]))


@routes.route(BASE + "/{env}", "DELETE", status=202, response="Environment",
              summary="Deprovision the environment through the agent, then remove it "
                      "(right: manage environment)")
def delete_environment(call):
    return views.environment(environments.delete(call.principal, *_where(call),
                                                    call.params["env"]))


@routes.route(BASE + "/{env}/retry-provisioning", "POST", status=202, response="Environment",
              summary="Start provisioning again after the last attempt failed "
                      "(right: manage environment)")
def retry_provisioning(call):
    return views.environment(environments.retry(call.principal, *_where(call),
                                                   call.params["env"]))
