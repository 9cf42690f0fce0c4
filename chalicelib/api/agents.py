"""Routes: the agent session, the Installation tab, credential rotation."""
from chalicelib import settings
from chalicelib.api.routing import Routes
from chalicelib.domain import agent_secrets, agents, namespaces
from chalicelib.domain.access import MANAGE

routes = Routes(__name__, tag="agents")

NS = "/clusters/{cluster_id}/namespaces/{namespace}"


@routes.route("/agent/session", "POST", auth="none", request="AgentSessionRequest",
              response="AgentSession", errors=(401,),
              summary="An agent trades its namespace credentials for short-lived AWS "
                      "credentials scoped to its own queue")
def open_agent_session(call):
    return agents.open_session(call.body.namespace_id, call.body.secret)


@routes.route("/agent/secrets", "POST", auth="none", request="AgentSecretRequest",
              response="AgentSecret", status=200, errors=(401, 404),
              summary="An agent reads the value behind one of its own namespace's secret "
                      "references (plan passwords and keys, registry and proxy credentials)")
def read_agent_secret(call):
    return agent_secrets.read(call.body.namespace_id, call.body.secret, call.body.secret_ref)


@routes.route(NS + "/installation", "GET", response="Installation", errors=(403,),
              summary="The installation and reconfiguration scripts and the agent's parameters "
                      "(creator only)")
def get_installation(call):
    # the scripts (templates, their checks) load here, not on every cold start
    from chalicelib.scripts.installation import render_installation_script
    from chalicelib.scripts.reconfiguration import render_reconfiguration_script

    cluster, ns = namespaces.get(call.principal, call.params["cluster_id"],
                                 call.params["namespace"], need=MANAGE)
    stored = agents.stored_secret(ns.namespace_id)
    parameters = {
        "api_url": call.base_url,
        "namespace_id": ns.namespace_id,
        "namespace": ns.name,
        "cluster_type": cluster.type,
        "agent_secret": stored["secret"],
        "credential_generation": int(stored["generation"]),
        "heartbeat_seconds": int(ns.heartbeat_seconds or settings.heartbeat_seconds()),
        "agent_image": settings.agent_image(),
        "operator_image": settings.operator_image(),
    }
    script = render_installation_script(
        cluster_type=cluster.type, namespace=ns.name, api_url=parameters["api_url"],
        namespace_id=ns.namespace_id, agent_secret=parameters["agent_secret"],
        heartbeat_seconds=parameters["heartbeat_seconds"],
        agent_image=parameters["agent_image"], operator_image=parameters["operator_image"],
        installation_type=ns.installation_type)
    reconfiguration = render_reconfiguration_script(
        api_url=parameters["api_url"], cluster_id=cluster.cluster_id, namespace=ns.name,
        namespace_id=ns.namespace_id, agent_secret=parameters["agent_secret"],
        cluster_type=cluster.type, platform=cluster.platform)
    return {"installation_script": script, "reconfiguration_script": reconfiguration,
            "parameters": parameters}


@routes.route(NS + "/agent-credentials/rotate", "POST", response="CredentialsRotated",
              summary="Issue a new agent secret and revoke the old one (creator only)")
def rotate_agent_credentials(call):
    _, ns = namespaces.get(call.principal, call.params["cluster_id"], call.params["namespace"],
                           need=MANAGE)
    secret, generation = agents.rotate(ns)
    return {
        "namespace_id": ns.namespace_id,
        "credential_generation": generation,
        "agent_secret": secret,
        "message": "The old secret no longer works; agents using it stop at their next "
                   "session refresh. Re-run the installation script (Installation tab) so "
                   "the agent gets the new secret.",
    }
