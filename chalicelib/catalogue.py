"""The catalogue: every plan type and configuration section, described once.

This is the one place that says what a database or storage plan type, or an
ingress, registry or proxy setting, is made of: its fields, which are
required and which are secret (write-only), their types and limits, defaults,
which clusters a type works on, and the words the reconfiguration script
shows for each.  Everything else is derived from it:

- the request models, and so ``/openapi.json`` (``chalicelib.api.schemas``);
- the validation of plans and sections (``chalicelib.domain.forms`` plus the
  few rules that are truly special, in ``plans`` and ``configuration``);
- ``GET /catalogue``, from which the console and the CLI build their forms;
- the reconfiguration script's data block (``chalicelib.scripts``).

Adding a type is one entry here (plus, where it provisions something, one
provisioner in the agent).  Pure data: no AWS, no pydantic, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

# Character rules, each named once.  Hosts and identifiers take no spaces,
# quotes or control characters: they end up in connection strings and SQL.
HOSTNAME = r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$"
HOST = r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]{2,45}\]?$"
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_-]{0,62}$"
HTTP_URL = r"^https?://[^\s/?#]+(:[0-9]{1,5})?(/[^\s]*)?$"
REGISTRY_URL = r"^[a-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._/-]*)?$"
REPOSITORY = r"^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$"
REGION = r"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$"
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
NO_PROXY = r"^[^\s,]+(,[^\s,]+)*$"


@dataclass(frozen=True)
class Field:
    """One input.  ``option`` is the reconfiguration script's flag (without
    ``--``); ``prompt`` its interactive question (None: not asked, the
    default applies); ``invalid`` the message when the value breaks
    ``pattern`` (``{value!r}`` is filled in); ``hint`` says what the field is
    when it is missing.  ``default_from`` names the field whose value an
    empty one takes (the push URL is the pull URL unless told otherwise);
    ``goes_with`` names the field this one is given together with or not at
    all (a proxy password with its user: the script asks for it only after
    that field is answered)."""
    name: str
    label: str
    type: str = "string"  # string | integer | boolean
    required: bool = True
    secret: bool = False
    default: object = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    format: str | None = None
    description: str = ""
    prompt: str | None = None
    option: str | None = None
    metavar: str = "VALUE"
    invalid: str | None = None
    hint: str | None = None
    default_from: str | None = None
    goes_with: str | None = None

    def public(self) -> dict:
        out = {"name": self.name, "label": self.label, "type": self.type,
               "required": self.required, "secret": self.secret,
               "description": self.description, "prompt": self.prompt, "option": self.option}
        for key in ("default", "min_length", "max_length", "pattern", "minimum", "maximum",
                    "format", "default_from", "goes_with"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class Variant:
    """A plan type, or one value of a section's discriminator."""
    value: object
    label: str
    fields: tuple[Field, ...] = ()
    note: str | None = None          # said before its questions
    requires: dict = field(default_factory=dict)  # {"cluster_type": [...], "platform": [...]}
    requires_message: str | None = None
    stray_message: str | None = None  # when fields of other variants are sent
    hint: str | None = None           # a longer explanation the script prints (by name)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def public(self, key: str) -> dict:
        return {key: self.value, "label": self.label, "note": self.note,
                "requires": dict(self.requires), "fields": [f.public() for f in self.fields]}


@dataclass(frozen=True)
class Group:
    """A plan kind (its variants are the plan types, picked by ``type``) or a
    configuration section (its variants picked by ``discriminator``)."""
    name: str
    label: str
    discriminator: str
    variants: tuple[Variant, ...]
    prompt: str = ""                 # the script's menu question

    def variant(self, value) -> Variant | None:
        return next((v for v in self.variants if v.value == value), None)

    @property
    def values(self) -> tuple:
        return tuple(v.value for v in self.variants)

    def all_fields(self) -> dict[str, Field]:
        """Every field of the group by name, in first-seen order."""
        out: dict[str, Field] = {}
        for variant in self.variants:
            for f in variant.fields:
                out.setdefault(f.name, f)
        return out


@dataclass(frozen=True)
class Catalogue:
    plans: tuple[Group, ...]
    sections: tuple[Group, ...]

    def plan_kind(self, kind: str) -> Group | None:
        return next((g for g in self.plans if g.name == kind), None)

    def section(self, name: str) -> Group | None:
        return next((g for g in self.sections if g.name == name), None)

    def plan_type(self, type_: str) -> Variant | None:
        """A plan type by name (types are unique across kinds but for
        ``ephemeral``, whose fields are the same in both)."""
        return next((v for g in self.plans for v in g.variants if v.value == type_), None)

    @property
    def plan_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.value for g in self.plans for v in g.variants))

    def plan_fields(self) -> dict[str, Field]:
        out: dict[str, Field] = {}
        for group in self.plans:
            for name, f in group.all_fields().items():
                out.setdefault(name, f)
        return out

    def public(self) -> dict:
        """The catalogue as ``GET /catalogue`` serves it: no secrets in it,
        only which fields are secret."""
        return {
            "plan_common": [PLAN_NAME.public()],
            "plans": [{"kind": g.name, "label": g.label, "prompt": g.prompt,
                       "types": [v.public("type") for v in g.variants]} for g in self.plans],
            "sections": [{"section": g.name, "label": g.label, "prompt": g.prompt,
                          "discriminator": g.discriminator,
                          "variants": [v.public("value") for v in g.variants]}
                         for g in self.sections],
        }

    def with_plan_type(self, kind: str, variant: Variant) -> Catalogue:
        """A copy with one more plan type (used to prove that a type is one
        entry)."""
        plans = tuple(replace(g, variants=(*g.variants, variant)) if g.name == kind else g
                      for g in self.plans)
        return replace(self, plans=plans)


# --- fields used by several types ----------------------------------------------------------

PLAN_NAME = Field(
    "name", "Plan name", max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
    description="A DNS-1123 label, unique in the namespace (e.g. 'pg-main')",
    prompt="Plan name", metavar="NAME")

def _port(option: str, default: int | None, what: str) -> Field:
    return Field("port", "Port", type="integer", minimum=1, maximum=65535, default=default,
                 description=f"The {what}'s TCP port", prompt="Port", option=option,
                 metavar="PORT",
                 invalid="'port' must be a number from 1 to 65535"
                         + (f" ({what}'s default is {default})" if default else " (e.g. 3128)"))


def _storage_keys() -> tuple[Field, ...]:
    return (
        Field("access_key", "Access key", max_length=256, pattern=PRINTABLE,
              description="The access key id", prompt="Access key",
              option="storage-access-key", metavar="KEY",
              invalid="'access_key' must be printable text without control characters"),
        Field("secret_key", "Secret key", secret=True, max_length=1024,
              description="The secret access key (write-only)", prompt="Secret key",
              option="storage-secret-key"),
    )


PREVENT_DATA_DELETION = Field(
    "prevent_data_deletion", "Prevent data deletion", type="boolean", required=False,
    default=False, option="storage-prevent-data-deletion", metavar="yes|no",
    description="Keep an environment's bucket and its files when the environment is deleted")

EPHEMERAL_DB = Variant("ephemeral", "Ephemeral", note=(
    "Ephemeral: quick to set up, but the data in the database is lost when the environment "
    "restarts."))
EPHEMERAL_STORAGE = Variant("ephemeral", "Ephemeral", note=(
    "Ephemeral: quick to set up, but stored files are lost when the environment restarts."))

DATABASE = Group("database", "Database", "type", prompt="Pick a database type:", variants=(
    Variant("postgres", "Postgres", fields=(
        Field("host", "Host", max_length=253, pattern=HOST, option="database-host",
              metavar="HOST", prompt="Host", format="hostname",
              description="The PostgreSQL server's DNS name or IP address",
              invalid="'host' {value!r} must be a DNS name or an IP address, without spaces, "
                      "quotes or control characters (e.g. 'db.example.com')"),
        _port("database-port", 5432, "PostgreSQL"),
        Field("database", "Database", max_length=63, pattern=IDENTIFIER,
              option="database-name", metavar="NAME", prompt="Database",
              description="The database to connect to with these credentials",
              invalid="'database' {value!r} must start with a letter or '_' and hold only "
                      "letters, digits, '_' and '-' (at most 63)"),
        Field("user", "User", max_length=63, pattern=IDENTIFIER, option="database-user",
              metavar="USER", prompt="User",
              description="An administrator that may create databases and roles",
              invalid="'user' {value!r} must start with a letter or '_' and hold only "
                      "letters, digits, '_' and '-' (at most 63)"),
        Field("password", "Password", secret=True, max_length=1024, option="database-password",
              prompt="Password", description="The user's password (write-only)"),
    )),
    EPHEMERAL_DB,
))

STORAGE = Group("storage", "Storage", "type", prompt="Pick a storage type:", variants=(
    Variant("minio", "MinIO", note="MinIO: a full MinIO server (not a MinIO Gateway).", fields=(
        Field("endpoint", "Endpoint", max_length=512, pattern=HTTP_URL, format="uri",
              option="storage-endpoint", metavar="URL",
              prompt="Endpoint (e.g. https://minio.example.com)",
              description="The MinIO server's URL",
              invalid="'endpoint' must be the MinIO server's URL, e.g. https://minio.example.com"),
        *_storage_keys(),
        PREVENT_DATA_DELETION,
    )),
    Variant("s3", "Amazon S3", hint="s3_policy", fields=(
        Field("region", "Region", max_length=32, pattern=REGION, option="storage-region",
              metavar="REGION", prompt="Region (e.g. eu-west-1)",
              description="The AWS region buckets are created in",
              invalid="'region' {value!r} must be an AWS region such as 'eu-west-1'"),
        *_storage_keys(),
        PREVENT_DATA_DELETION,
    )),
    EPHEMERAL_STORAGE,
))

# --- configuration sections ----------------------------------------------------------------

TLS = Field("tls", "TLS", type="boolean", prompt="Enable TLS?", option="ingress-tls",
            metavar="yes|no", description="Serve apps over HTTPS")
DOMAIN = Field("domain", "Domain", max_length=253, pattern=HOSTNAME, format="hostname",
               option="ingress-domain", metavar="DOMAIN",
               prompt="Domain (apps get addresses under it, e.g. apps.example.com)",
               description="The DNS name your apps get subdomains of",
               hint="the DNS name your apps get subdomains of (e.g. 'apps.example.com')",
               invalid="domain {value!r} is not a DNS name (lowercase letters, digits, '-' "
                       "and dots, e.g. 'apps.example.com')")

INGRESS = Group("ingress", "Ingress", "type", prompt="Pick an ingress type:", variants=(
    Variant("openshift_route", "OpenShift Route", requires={"cluster_type": ["openshift"]},
            requires_message="type 'openshift_route' works only on OpenShift clusters; this "
                             "cluster is '{cluster_type}', so use type 'ingress' with a domain",
            fields=(replace(DOMAIN, required=False, prompt=None), TLS)),
    Variant("ingress", "Ingress", fields=(DOMAIN, TLS)),
))

PULL_URL = Field("pull_url", "Pull URL", max_length=512, pattern=REGISTRY_URL,
                 option="registry-pull-url", metavar="URL",
                 prompt="Pull URL (where the cluster pulls images from, e.g. "
                        "registry.example.com/apps)",
                 description="Where the cluster pulls images from",
                 hint="where the cluster pulls images from, e.g. 'registry.example.com/apps'",
                 invalid="pull_url {value!r} is not a registry address like "
                         "'registry.example.com:5000/apps' (no scheme)")
PUSH_URL = replace(PULL_URL, name="push_url", label="Push URL", required=False,
                   option="registry-push-url", prompt="Push URL (where images are pushed to)",
                   description="Where images are pushed to (default: the pull URL)",
                   default_from="pull_url",
                   hint=None, invalid="push_url {value!r} is not a registry address like "
                                      "'registry.example.com:5000/apps' (no scheme)")
REGISTRY_USER = Field("name", "Name", max_length=256, pattern=PRINTABLE, option="registry-name",
                      metavar="USER", prompt="Name (the registry user)",
                      description="The registry user", hint="the registry user",
                      invalid="'name' must be printable text without control characters")
REGISTRY_SECRET = Field("secret", "Secret", secret=True, max_length=4096,
                        option="registry-secret",
                        prompt="Secret (the registry password or token)",
                        description="The registry password or token (write-only)",
                        hint="its password or token")
REPOSITORY_FIELD = Field("repository", "Repository", required=False, max_length=255,
                         pattern=REPOSITORY, option="registry-repository", metavar="REPOSITORY",
                         description="The repository app images go to, e.g. 'mendixapps/team-a' "
                                     "(optional)",
                         invalid="repository {value!r} must be lowercase path parts separated "
                                 "by '/', e.g. 'mendixapps/team-a'")
_OPENSHIFT_ONLY = {"cluster_type": ["openshift"]}
_OPENSHIFT_MESSAGE = "type {value} (an OpenShift registry) works only on OpenShift clusters"
_EXTERNAL = (PULL_URL, PUSH_URL, REPOSITORY_FIELD)

REGISTRY = Group("registry", "Registry", "type", prompt="Pick a registry type:", variants=(
    Variant("openshift3", "OpenShift 3 Registry", requires=_OPENSHIFT_ONLY,
            requires_message=_OPENSHIFT_MESSAGE),
    Variant("openshift4", "OpenShift 4 Registry", requires=_OPENSHIFT_ONLY,
            requires_message=_OPENSHIFT_MESSAGE),
    Variant("ecr", "Amazon Elastic Container Registry (AWS ECR)", requires={"platform": ["eks"]},
            requires_message="type 'ecr' (AWS ECR) works only on clusters running on AWS EKS; "
                             "set the cluster's platform to 'eks' (PATCH /clusters/<id> "
                             "{{\"platform\": \"eks\"}}) or pick another registry type",
            fields=_EXTERNAL),
    Variant("generic_auth", "Generic registry with authentication",
            fields=(*_EXTERNAL, REGISTRY_USER, REGISTRY_SECRET)),
    Variant("generic", "Generic registry without authentication", fields=_EXTERNAL,
            stray_message="type 'generic' is a registry without authentication; drop {fields} "
                          "or use type 'generic_auth'"),
))

PROXY = Group("proxy", "Proxy", "enabled", prompt="Do you want to configure the proxy?",
              variants=(
    Variant(True, "Yes", fields=(
        Field("host", "Host", max_length=253, pattern=HOST, format="hostname",
              option="proxy-host", metavar="HOST", prompt="Host (e.g. proxy.example.com)",
              description="The proxy's DNS name or IP address",
              hint="the proxy's DNS name or IP address (e.g. 'proxy.corp.example')",
              invalid="'host' must be the proxy's DNS name or IP address (e.g. "
                      "'proxy.corp.example')"),
        _port("proxy-port", None, "proxy"),
        Field("user", "User", required=False, max_length=256, pattern=PRINTABLE,
              option="proxy-user", metavar="USER", prompt="User (optional)",
              description="The proxy user (optional)",
              invalid="'user' must be printable text without control characters"),
        Field("password", "Password", required=False, secret=True, max_length=1024,
              option="proxy-password", prompt="Password", goes_with="user",
              description="The proxy user's password (write-only; with user)"),
        Field("no_proxy", "No proxy", required=False, max_length=4096, pattern=NO_PROXY,
              option="proxy-no-proxy", metavar="LIST",
              prompt="No proxy (optional: comma-separated hosts or domains reached directly, "
                     "e.g. localhost,.svc)",
              description="Hosts or domains reached directly, comma-separated",
              invalid="'no_proxy' is a comma-separated list of hosts or domains, e.g. "
                      "'localhost,.svc,10.0.0.0/8'"),
    )),
    Variant(False, "No", stray_message="with enabled false, leave out {names}"),
))

CATALOGUE = Catalogue(plans=(DATABASE, STORAGE), sections=(INGRESS, REGISTRY, PROXY))
