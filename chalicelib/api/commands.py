"""Routes: commands to a namespace's agent."""
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import commands

routes = Routes(__name__, tag="commands")

BASE = "/clusters/{cluster_id}/namespaces/{namespace}/commands"


@routes.route(BASE, "POST", status=201, request="CommandCreate", response="Command",
              summary="Send a command to the namespace's agent (409 for standalone namespaces)")
def send_command(call):
    item = commands.send(call.principal, call.params["cluster_id"], call.params["namespace"],
                         call.body.type, call.body.payload)
    return views.command(item)


@routes.route(BASE, "GET", response="CommandPage", paginated=True,
              summary="The namespace's commands, newest first")
def list_commands(call):
    items, next_token = commands.list_page(call.principal, call.params["cluster_id"],
                                           call.params["namespace"], call.limit, call.next_token)
    return views.page([views.command(c) for c in items], next_token)


@routes.route(BASE + "/{command_id}", "GET", response="Command",
              summary="One command with its state and result")
def get_command(call):
    return views.command(commands.get(call.principal, call.params["cluster_id"],
                                      call.params["namespace"], call.params["command_id"]))
