"""Routes: namespace configuration (ingress, registry, proxy) and plans.

Besides the creator's bearer token these accept the namespace's own
credentials (``Authorization: Agent <namespace_id>:<secret>``), which is what
the reconfiguration script sends."""
from chalicelib.api import views
from chalicelib.catalogue import CATALOGUE
from chalicelib.api.routing import Routes, validate
from chalicelib.domain import configuration, plans
from chalicelib.domain.access import authorize
from chalicelib.errors import BadRequest

routes = Routes(__name__, tag="configuration")

NS = "/clusters/{cluster_id}/namespaces/{namespace}"
SECTION_SCHEMAS = {g.name: f"{g.name.capitalize()}Config" for g in CATALOGUE.sections}


@routes.route("/catalogue", "GET", response="CatalogueDocument",
              summary="Every plan type and configuration section: fields, required, secret, "
                      "limits, cluster rules and prompts (the source of forms and files)")
def get_catalogue(call):
    return CATALOGUE.public()


@routes.route(NS + "/configuration", "GET", response="NamespaceConfiguration", auth="user_or_agent",
              summary="The namespace's whole configuration: sections and plans (secrets masked)")
def get_configuration(call):
    sections, plan_items = configuration.read_all(call.principal, call.params["cluster_id"],
                                                  call.params["namespace"])
    return {"sections": {i.section: views.configuration(i) for i in sections},
            "plans": [views.plan(p) for p in plan_items]}


@routes.route(NS + "/configuration/{section}", "GET", response="ConfigurationSection",
              auth="user_or_agent", summary="One configuration section: ingress, registry or proxy")
def get_configuration_section(call):
    return views.configuration(configuration.get_section(
        call.principal, call.params["cluster_id"], call.params["namespace"], call.params["section"]))


@routes.route(NS + "/configuration/{section}", "PUT", request=tuple(SECTION_SCHEMAS.values()),
              response="ConfigurationSection", auth="user_or_agent",
              summary="Set a configuration section (creator or the namespace's credentials); "
                      "the agent gets it at once when connected, else on connect")
def put_configuration_section(call):
    section = call.params["section"]
    body = validate(SECTION_SCHEMAS[section], call.body).model_dump() \
        if section in SECTION_SCHEMAS else {}
    item, result = configuration.put_section(call.principal, call.params["cluster_id"],
                                             call.params["namespace"], section, body)
    return {**views.configuration(item), "result": result}


@routes.route(NS + "/plans", "POST", status=201, alt_status=(200,), request="PlanCreate",
              response="PlanSaved", auth="user_or_agent",
              summary="Create a plan, update it when the name exists (200, result 'updated'), "
                      "or add an existing plan by name ({\"existing\": name})")
def save_plan(call):
    plan, result = plans.upsert(call.principal, call.params["cluster_id"], call.params["namespace"],
                                call.body.model_dump(exclude_none=True))
    call.status = 201 if result in ("created", "added") else 200
    call.activity = {"plan": plan.name, "result": result}
    return {**views.plan(plan), "result": result}


@routes.route(NS + "/plans", "GET", response="PlanPage", paginated=True, auth="user_or_agent",
              summary="The namespace's database and storage plans, active or not")
def list_plans(call):
    items, next_token = plans.list_page(call.principal, call.params["cluster_id"],
                                        call.params["namespace"], call.limit, call.next_token)
    return views.page([views.plan(p) for p in items], next_token)


@routes.route(NS + "/plans/{plan}", "PATCH", request="PlanToggle", response="Plan",
              summary="Activate or deactivate a plan (creator only)")
def toggle_plan(call):
    return views.plan(plans.set_active(call.principal, call.params["cluster_id"],
                                       call.params["namespace"], call.params["plan"],
                                       call.body.active))


@routes.route(NS + "/plans/s3-policy", "GET", response="S3Policy",
              summary="The IAM policy an Amazon S3 plan's user needs, for your account id "
                      "(?account_id=123456789012)")
def s3_policy(call):
    authorize(call.principal, call.params["cluster_id"], namespace=call.params["namespace"])
    account_id = call.query.get("account_id", "")
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise BadRequest("account_id must be your 12-digit AWS account number, e.g. "
                         "?account_id=123456789012.", code="invalid_account_id")
    return {"account_id": account_id, "policy": plans.s3_policy(account_id)}
