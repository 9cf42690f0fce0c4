"""Request and response shapes (pydantic), the source of the OpenAPI schemas.

Requests are validated strictly: unknown fields and wrong types are refused.
Responses are plain dicts built in ``views``; the tests check them against
these models through the OpenAPI document.  Imported only on the first
request that needs validation (pydantic is not free at cold start).
"""
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from chalicelib.catalogue import CATALOGUE, PLAN_NAME
from chalicelib.catalogue import Field as CatalogueField

from chalicelib.domain import names

ClusterType = Literal["openshift", "kubernetes"]
Platform = Literal["generic", "eks", "aks", "gke"]
InstallationType = Literal["connected", "standalone"]
NamespaceStatus = Literal["waiting_for_connection", "connected", "disconnected"]

NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
NAME_HELP = "1-100 printable characters, not only spaces"
Description = Field(default=None, max_length=1000)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --- requests ---------------------------------------------------------------

class ClusterCreate(Strict):
    name: str = Field(min_length=1, max_length=100, pattern=NAME_PATTERN, description=NAME_HELP)
    type: ClusterType
    description: Optional[str] = Description
    platform: Optional[Platform] = Field(
        default=None, description="Where the cluster runs; 'eks' enables AWS ECR registries")


class ClusterUpdate(Strict):
    name: Optional[str] = Field(default=None, min_length=1, max_length=100,
                                pattern=NAME_PATTERN, description=NAME_HELP)
    description: Optional[str] = Description
    platform: Optional[Platform] = Field(
        default=None, description="Where the cluster runs; 'eks' enables AWS ECR registries")

    @model_validator(mode="after")
    def _something(self):
        if not self.model_fields_set:
            raise ValueError("send at least one of 'name', 'description' or 'platform'")
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("'name' cannot be null; a cluster always has a name")
        return self


class NamespaceCreate(Strict):
    name: str = Field(max_length=200, description="A DNS-1123 label, unique within the cluster")
    installation_type: InstallationType


# --- responses --------------------------------------------------------------

class Error(BaseModel):
    error: str
    message: str
    details: Optional[list[dict]] = None


class NamespaceSummary(BaseModel):
    namespace_id: str
    name: str
    installation_type: InstallationType
    status: NamespaceStatus
    runtime_seconds: int
    my_rights: list[str] = Field(description="What the caller may do in this namespace")


class Namespace(NamespaceSummary):
    cluster_id: str
    created_at: str
    last_seen: Optional[str]
    connected_since: Optional[str]


class Cluster(BaseModel):
    cluster_id: str
    name: str
    type: ClusterType
    platform: Optional[Platform]
    description: Optional[str]
    creator: str
    created_at: str
    updated_at: Optional[str]
    my_role: Literal["creator", "manager", "member"]
    namespaces: list[NamespaceSummary]


class ClusterManagers(BaseModel):
    creator: str
    managers: list[str] = Field(description="Users the creator appointed: they add namespaces "
                                            "and manage members and plans, with every right")


class ClusterPage(BaseModel):
    items: list[Cluster]
    next_token: Optional[str]


class NamespacePage(BaseModel):
    items: list[Namespace]
    next_token: Optional[str]


class EnvironmentRef(BaseModel):
    namespace: str
    name: str


class ClusterLeftOnPlatform(BaseModel):
    namespaces: list[str] = Field(description="Namespaces that still exist on the platform")
    environments: list[EnvironmentRef] = Field(
        description="Environments that still run there (nothing was deprovisioned)")


class ClusterDeleted(BaseModel):
    cluster_id: str
    deleted: bool
    message: str
    left_on_platform: ClusterLeftOnPlatform


class NamespaceLeftOnPlatform(BaseModel):
    namespace: str
    environments: list[str] = Field(description="Environments that still run there")


class NamespaceDeleted(BaseModel):
    namespace: str
    deleted: bool
    message: str
    left_on_platform: NamespaceLeftOnPlatform


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow")
    openapi: str
    info: dict
    paths: dict
    components: dict


# --- agents -----------------------------------------------------------------

class AgentSessionRequest(Strict):
    namespace_id: str = Field(max_length=64)
    secret: str = Field(max_length=256)


class AwsCredentials(BaseModel):
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: str


class AgentSession(BaseModel):
    namespace_id: str
    namespace: str
    cluster_id: str
    cluster_type: ClusterType
    installation_type: InstallationType
    credential_generation: int
    credentials: AwsCredentials
    region: str
    endpoint_url: Optional[str]
    command_queue_url: str
    events_queue_url: str
    event_signing_key: str
    heartbeat_seconds: int
    refresh_after_seconds: int
    max_receive_count: int


class InstallationParameters(BaseModel):
    api_url: str
    namespace_id: str
    namespace: str
    cluster_type: ClusterType
    agent_secret: str
    credential_generation: int
    heartbeat_seconds: int
    agent_image: str
    operator_image: str


class Installation(BaseModel):
    installation_script: str
    reconfiguration_script: str
    parameters: InstallationParameters


class CredentialsRotated(BaseModel):
    namespace_id: str
    credential_generation: int
    agent_secret: str
    message: str


# --- commands ---------------------------------------------------------------

CommandType = Literal["ping"]
CommandState = Literal["queued", "delivered", "succeeded", "failed"]


class CommandCreate(Strict):
    type: CommandType
    payload: Optional[dict] = Field(default=None, description="Type-specific arguments")


class Command(BaseModel):
    command_id: str
    namespace: str
    type: str
    state: CommandState
    payload: Optional[dict]
    result: Optional[dict]
    error: Optional[str]
    requested_by: Optional[str]
    created_at: str
    delivered_at: Optional[str]
    finished_at: Optional[str]


class CommandPage(BaseModel):
    items: list[Command]
    next_token: Optional[str]


# --- members, invitations, roles --------------------------------------------

Right = Literal["manage_environment", "deploy_app", "scale_app", "edit_app_constants",
                "manage_scheduled_events", "view_logs", "view_alerts", "view_metrics",
                "manage_backups"]
Role = Literal["developer", "administrator", "custom"]
EMAIL_PATTERN = names.EMAIL_PATTERN


class MemberInvite(Strict):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN,
                       description="The invitee's email address; the invitation is bound to it "
                                   "(letters, digits and . _ % + - before the @; a domain name "
                                   "after it)")
    role: Role
    rights: Optional[list[Right]] = Field(default=None, description="Only with role 'custom'")


class MemberUpdate(Strict):
    role: Role
    rights: Optional[list[Right]] = None


class Member(BaseModel):
    email: str
    namespace: str
    role: Role
    rights: list[Right]
    status: Literal["pending", "active", "expired"]
    invited_by: Optional[str]
    invitation_expires_at: Optional[str]
    accepted_at: Optional[str]
    created_at: Optional[str]


class MemberInvited(Member):
    invitation: Literal["sent", "refreshed"]


class MemberPage(BaseModel):
    items: list[Member]
    next_token: Optional[str]


class InvitationAccepted(BaseModel):
    cluster_id: str
    namespace: str
    role: Role
    rights: list[Right]
    message: str


class RightInfo(BaseModel):
    id: Right
    description: str


class Roles(BaseModel):
    rights: list[RightInfo]
    roles: dict[str, list[Right]]
    custom: str


# --- operate, activity ---------------------------------------------------------

class OperateUrls(Strict):
    metrics_url: Optional[str] = Field(default=None, max_length=2048)
    alerts_url: Optional[str] = Field(default=None, max_length=2048)
    logs_url: Optional[str] = Field(default=None, max_length=2048)
    backups_url: Optional[str] = Field(default=None, max_length=2048)


class OperateUrlsPatch(OperateUrls):
    @model_validator(mode="after")
    def _something(self):
        if not self.model_fields_set:
            raise ValueError("send at least one of metrics_url, alerts_url, logs_url, "
                             "backups_url (null clears one)")
        return self


class Operate(BaseModel):
    metrics_url: Optional[str]
    alerts_url: Optional[str]
    logs_url: Optional[str]
    backups_url: Optional[str]
    updated_at: Optional[str]
    updated_by: Optional[str]


class ActivityEntry(BaseModel):
    activity_id: str
    at: str
    actor: str
    action: str
    method: str
    path: str
    status: int
    namespace: Optional[str]
    target: dict


class ActivityPage(BaseModel):
    items: list[ActivityEntry]
    next_token: Optional[str]


# --- configuration and plans --------------------------------------------------

def _catalogue_field(f: CatalogueField):
    """A catalogue field as an optional pydantic field.  Types and lengths are
    enforced here; patterns and ranges are documented here and checked by
    the domain, whose messages say how to fix a value."""
    documented = {k: getattr(f, k) for k in ("pattern", "minimum", "maximum", "format")
                  if getattr(f, k) is not None}
    if f.secret:
        documented["writeOnly"] = True
    if f.default is not None:
        documented["default"] = f.default
    lengths = {"max_length": f.max_length} if f.type == "string" and f.max_length else {}
    python_type = {"string": str, "integer": int, "boolean": bool}[f.type]
    description = f.description + (" (write-only)" if f.secret and "write-only" not in
                                   f.description else "")
    return (Optional[python_type], Field(default=None, description=description,
                                         json_schema_extra=documented or None, **lengths))


def _choice(values: tuple):
    return bool if set(values) == {True, False} else Literal[values]


def section_model(group) -> type[BaseModel]:
    """The request model of a configuration section, from the catalogue."""
    fields = {group.discriminator: (_choice(group.values), ...)}
    fields |= {name: _catalogue_field(f) for name, f in group.all_fields().items()}
    return create_model(f"{group.name.capitalize()}Config", __base__=Strict, **fields)


def plan_model(catalogue) -> type[BaseModel]:
    """The plan request model: the common fields, then every type's fields."""
    fields = {
        "existing": (Optional[str], Field(default=None, max_length=63,
                                          description="Add an existing plan by name (alone)")),
        "name": _catalogue_field(PLAN_NAME),
        "kind": (Optional[Literal[tuple(g.name for g in catalogue.plans)]], None),
        "type": (Optional[Literal[catalogue.plan_types]], None),
    }
    fields |= {name: _catalogue_field(f) for name, f in catalogue.plan_fields().items()}
    return create_model("PlanCreate", __base__=Strict, **fields)


SECTION_MODELS = {g.name: section_model(g) for g in CATALOGUE.sections}
globals().update({model.__name__: model for model in SECTION_MODELS.values()})
SectionName = Literal[tuple(g.name for g in CATALOGUE.sections)]
PlanKind = Literal[tuple(g.name for g in CATALOGUE.plans)]
PlanType = Literal[CATALOGUE.plan_types]


class ConfigurationSection(BaseModel):
    section: SectionName
    result: Optional[Literal["created", "updated", "unchanged"]] = None
    settings: dict
    updated_at: Optional[str]
    updated_by: Optional[str]
    secret_digests: Optional[dict[str, str]] = Field(
        default=None, description="Salted digests of the write-only values (creator only), so a "
                                  "client can tell whether its secret is the stored one")


class NamespaceConfiguration(BaseModel):
    sections: dict[str, ConfigurationSection]
    plans: list["Plan"]


PlanCreate = plan_model(CATALOGUE)


class PlanToggle(Strict):
    active: bool


class Plan(BaseModel):
    name: str
    kind: PlanKind
    type: PlanType
    active: bool
    settings: dict
    missing_secrets: list[str] = Field(
        default=[], description="Secret fields the plan has no value for yet (registered from "
                                "the cluster): send the whole plan, then activate it")
    created_at: Optional[str]
    updated_at: Optional[str]
    updated_by: Optional[str]
    secret_digests: Optional[dict[str, str]] = Field(
        default=None, description="Salted digests of the write-only values (creator only), so a "
                                  "client can tell whether its secret is the stored one")


class PlanSaved(Plan):
    result: Literal["created", "updated", "added", "unchanged"]


class PlanPage(BaseModel):
    items: list[Plan]
    next_token: Optional[str]


class CatalogueFieldInfo(BaseModel):
    name: str
    label: str
    type: Literal["string", "integer", "boolean"]
    required: bool
    secret: bool = Field(description="Write-only: reads show '***'")
    description: str
    prompt: Optional[str] = Field(description="The reconfiguration script's question")
    option: Optional[str] = Field(description="The reconfiguration script's --option")
    default: Optional[Union[str, int, bool]] = None
    min_length: Optional[int] = None
    max_length: Optional[int] = None
    pattern: Optional[str] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    format: Optional[str] = None
    default_from: Optional[str] = Field(default=None,
                                        description="An empty value takes this field's value")
    goes_with: Optional[str] = Field(default=None,
                                     description="Given together with this field, or not at all")


class CatalogueRequires(BaseModel):
    cluster_type: Optional[list[ClusterType]] = None
    platform: Optional[list[Platform]] = None


class CataloguePlanType(BaseModel):
    type: str
    label: str
    note: Optional[str]
    requires: CatalogueRequires
    fields: list[CatalogueFieldInfo]


class CataloguePlanKind(BaseModel):
    kind: str
    label: str
    prompt: str
    types: list[CataloguePlanType]


class CatalogueVariant(BaseModel):
    value: Union[str, bool]
    label: str
    note: Optional[str]
    requires: CatalogueRequires
    fields: list[CatalogueFieldInfo]


class CatalogueSection(BaseModel):
    section: str
    label: str
    prompt: str
    discriminator: str
    variants: list[CatalogueVariant]


class CatalogueDocument(BaseModel):
    plan_common: list[CatalogueFieldInfo] = Field(description="Fields every plan has besides "
                                                              "kind and type")
    plans: list[CataloguePlanKind]
    sections: list[CatalogueSection]


class S3Policy(BaseModel):
    account_id: str
    policy: dict


# --- environments ---------------------------------------------------------------

EnvironmentState = Literal["provisioning", "ready", "provisioning_failed", "deprovisioning",
                           "deprovisioning_failed"]


class EnvironmentCreate(Strict):
    name: str = Field(max_length=200, description="A DNS-1123 label, unique in the namespace; "
                                                  "not mendix-operator or mendix-agent")
    database_plan: str = Field(max_length=63)
    storage_plan: str = Field(max_length=63)
    app: Optional[str] = Field(default=None, min_length=1, max_length=100, pattern=NAME_PATTERN,
                               description="The app's name (defaults to the environment's); "
                                           + NAME_HELP)


class Environment(BaseModel):
    name: str
    app: str
    namespace: str
    state: EnvironmentState
    database_plan: str
    storage_plan: str
    step: Optional[str] = Field(description="database, storage or done")
    attempt: int
    max_attempts: int
    last_error: Optional[str]
    next_retry_at: Optional[str]
    created_at: Optional[str]
    created_by: Optional[str]
    finished_at: Optional[str]
    provisioned: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per step (database, storage), what the agent made: plan type, database "
                    "or bucket name, where the connection details are in the namespace, and "
                    "notes (e.g. an ephemeral plan creates nothing outside the namespace). "
                    "Credentials never appear here.")


class EnvironmentPage(BaseModel):
    items: list[Environment]
    next_token: Optional[str]


# --- agent secrets ------------------------------------------------------------

class AgentSecretRequest(Strict):
    namespace_id: str = Field(max_length=64)
    secret: str = Field(max_length=256, description="The namespace's agent secret (cma_…)")
    secret_ref: str = Field(min_length=1, max_length=512,
                            description="A secret reference from the agent's own configuration "
                                        "or provisioning task")


class AgentSecret(BaseModel):
    secret_ref: str
    values: dict[str, Any]
