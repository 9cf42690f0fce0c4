"""The apply file: parsed, checked against the catalogue, secrets read.

Every problem is reported with its path in the file
(``namespaces[1].plans[0].port: must be an integer``), all at once, before
any call that writes.  The result is the *desired state*: plain dicts with
secret values resolved (kept in memory only).

    cluster: prod                     # by name; created when missing
    type: openshift                   # needed to create it
    platform: eks                     # optional, at creation
    description: Main cluster
    namespaces:
      - name: team-a
        installation_type: connected  # default
        configuration:
          ingress: {type: ingress, domain: apps.example.com, tls: true}
          registry: {type: generic_auth, pull_url: registry.example.com/apps,
                     name: bot, secret_from_env: REGISTRY_SECRET}
          proxy: {enabled: false}
        plans:
          - {name: pg, kind: database, type: postgres, host: db.example.com, port: 5432,
             database: apps, user: mx, password_from_env: PG_PASSWORD}
          - {name: files, kind: storage, type: ephemeral, active: false}
          - {existing: shared-s3}     # a plan of another namespace of this cluster
        members:
          - {email: bob@example.com, role: developer}
          - {email: eve@example.com, role: custom, rights: [view_logs]}
        operate: {logs_url: https://logs.example.com}
"""
import re
from pathlib import Path

from cluster_manager_cli import catalogue as C
from cluster_manager_cli.secrets import SecretSourceError, read_secret

DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?"
                      r"(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOP_KEYS = {"cluster", "type", "platform", "description", "namespaces"}
NAMESPACE_KEYS = {"name", "installation_type", "configuration", "plans", "members", "operate"}
MEMBER_KEYS = {"email", "role", "rights"}
ROLES = ("developer", "administrator", "custom")
OPERATE_KEYS = ("metrics_url", "alerts_url", "logs_url", "backups_url")
PLAN_COMMON = ("name", "kind", "type", "active")


TYPE_PROBLEMS = {
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "must be an integer"),
    "boolean": (lambda v: isinstance(v, bool), "must be true or false"),
    "string": (lambda v: isinstance(v, str), "must be a string (quote it)"),
}


def string_problems(spec: dict, value: str) -> list[str]:
    out = []
    if "min_length" in spec and len(value) < spec["min_length"]:
        out.append(f"must be at least {spec['min_length']} characters")
    if "max_length" in spec and len(value) > spec["max_length"]:
        out.append(f"must be at most {spec['max_length']} characters")
    if spec.get("pattern") and not re.search(spec["pattern"], value):
        out.append(f"must match {spec['pattern']}"
                   + (f" ({spec['description']})" if spec.get("description") else ""))
    fmt = spec.get("format")
    if fmt == "uri" and not re.match(r"^https?://\S+$", value):
        out.append("must be a URL starting with http:// or https://")
    if fmt == "hostname" and not HOSTNAME.match(value):
        out.append("must be a DNS name such as apps.example.com")
    return out


def range_problems(spec: dict, value) -> list[str]:
    low, high = spec.get("minimum"), spec.get("maximum")
    if isinstance(value, bool) or not ((low is not None and value < low)
                                       or (high is not None and value > high)):
        return []
    return [f"must be from {low if low is not None else '…'} to "
            f"{high if high is not None else '…'}"]


class SpecError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load(path: str) -> tuple[dict, Path]:
    """The file's YAML as a dict (``-`` reads stdin)."""
    import sys

    import yaml

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as exc:
        raise SpecError([f"{path}: cannot read it ({exc.strerror or exc})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError([f"{path}:{where}: not valid YAML ({what})"]) from None
    if not isinstance(data, dict):
        raise SpecError([f"{path}: must be a mapping with 'cluster' and 'namespaces' "
                         "(see `cluster-manager apply --help`)"])
    return data, (Path.cwd() if path == "-" else Path(path).resolve().parent)


class Checker:
    def __init__(self, catalogue: dict, rights: set[str] | None, base: Path,
                 cluster_type: str | None = None, platform: str | None = None):
        self.catalogue, self.rights, self.base = catalogue, rights, base
        self.cluster_type, self.platform = cluster_type, platform
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # --- generic ------------------------------------------------------------

    def unknown(self, path: str, data: dict, known) -> None:
        for key in data:
            if key not in known:
                self.problem(f"{path}.{key}" if path else str(key),
                             f"unknown field (known: {', '.join(sorted(known))})")

    def field(self, path: str, spec: dict, value) -> bool:
        """Check one value against a catalogue FIELD; True when it is fine."""
        kind = spec.get("type", "string")
        wrong = TYPE_PROBLEMS.get(kind, TYPE_PROBLEMS["string"])
        if not wrong[0](value):
            self.problem(path, wrong[1])
            return False
        found = string_problems(spec, value) if kind == "string" else range_problems(spec, value)
        for message in found:
            self.problem(path, message)
        return not found

    def fields(self, path: str, data: dict, specs: list[dict], skip=()) -> tuple[dict, dict]:
        """``(settings, secrets)`` of ``data`` per the catalogue's ``specs``."""
        by_name = {s["name"]: s for s in specs if s["name"] not in skip}
        secret_names = C.secret_fields(specs)
        known = set(skip) | {n for n in by_name if n not in secret_names}
        known |= {f"{n}_{src}" for n in secret_names for src in ("from_env", "from_file")}
        self.unknown(path, {k: v for k, v in data.items() if k not in secret_names}, known)
        settings, secrets = {}, {}
        for name, spec in by_name.items():
            where = f"{path}.{name}"
            if name in secret_names:
                value = self.secret(where, name, spec, data)
                if value is not None:
                    secrets[name] = value
            elif data.get(name) is not None:
                if self.field(where, spec, data[name]):
                    settings[name] = data[name]
            elif "default" in spec:
                settings[name] = spec["default"]
            elif spec.get("required"):
                self.problem(where, "is required" + (f" ({spec['description']})"
                                                     if spec.get("description") else ""))
        return settings, secrets

    def secret(self, where: str, name: str, spec: dict, data: dict) -> str | None:
        """A secret field's value, read from where the file says (never the file)."""
        if name in data:
            self.problem(where, f"is a secret: never put its value in the file; use "
                                f"{name}_from_env: VARIABLE or {name}_from_file: PATH")
            return None
        sources = [s for s in ("from_env", "from_file") if f"{name}_{s}" in data]
        if len(sources) > 1:
            self.problem(where, f"give {name}_from_env or {name}_from_file, not both")
        elif sources:
            try:
                return read_secret(sources[0], data[f"{name}_{sources[0]}"], base=self.base)
            except SecretSourceError as exc:
                self.problem(f"{where}_{sources[0]}", str(exc))
        elif spec.get("required"):
            self.problem(where, f"is required: give {name}_from_env: VARIABLE "
                                f"(or {name}_from_file: PATH)")
        return None

    def requires(self, path: str, requires: dict | None, what: str) -> None:
        for key, allowed in (requires or {}).items():
            actual = {"cluster_type": self.cluster_type,
                      "platform": self.platform or "(none)"}.get(key)
            if actual is not None and actual not in allowed:
                self.problem(path, f"{what} needs {key} {' or '.join(map(str, allowed))}; "
                                   f"this cluster's {key} is {actual}")

    # --- the file -----------------------------------------------------------

    def top(self, data: dict) -> dict:
        self.unknown("", data, TOP_KEYS)
        out = {"cluster": data.get("cluster"), "type": data.get("type"),
               "platform": data.get("platform"), "description": data.get("description"),
               "description_set": "description" in data, "namespaces": []}
        if not isinstance(out["cluster"], str) or not out["cluster"].strip():
            self.problem("cluster", "is required: the cluster's name")
        if out["type"] is not None and out["type"] not in ("openshift", "kubernetes"):
            self.problem("type", "must be openshift or kubernetes")
        if out["description"] is not None and not isinstance(out["description"], str):
            self.problem("description", "must be a string")
        if out["platform"] is not None and not isinstance(out["platform"], str):
            self.problem("platform", "must be a string such as eks")
        namespaces = data.get("namespaces", [])
        if not isinstance(namespaces, list):
            self.problem("namespaces", "must be a list")
            return out
        seen = set()
        for i, ns in enumerate(namespaces):
            path = f"namespaces[{i}]"
            if not isinstance(ns, dict):
                self.problem(path, "must be a mapping with at least 'name'")
                continue
            item = self.namespace(path, ns)
            if item["name"] in seen:
                self.problem(f"{path}.name", f"{item['name']!r} is listed twice")
            seen.add(item["name"])
            out["namespaces"].append(item)
        return out

    def namespace(self, path: str, ns: dict) -> dict:
        self.unknown(path, ns, NAMESPACE_KEYS)
        name = ns.get("name")
        if not isinstance(name, str) or not DNS1123.match(name):
            self.problem(f"{path}.name", "must be a DNS-1123 label: lowercase letters, digits and "
                                         "'-' inside, at most 63 characters")
        install = ns.get("installation_type", "connected")
        if install not in ("connected", "standalone"):
            self.problem(f"{path}.installation_type", "must be connected or standalone")
        out = {"name": name, "installation_type": install, "configuration": None,
               "plans": None, "members": None, "operate": None}
        if "configuration" in ns:
            out["configuration"] = self.configuration(f"{path}.configuration",
                                                      ns["configuration"])
        if "plans" in ns:
            out["plans"] = self.listed(f"{path}.plans", ns["plans"], self.plan, "name",
                                       alt_key="existing")
        if "members" in ns:
            out["members"] = self.listed(f"{path}.members", ns["members"], self.member, "email")
        if "operate" in ns:
            out["operate"] = self.operate(f"{path}.operate", ns["operate"])
        return out

    def listed(self, path: str, items, check, key: str, alt_key: str | None = None) -> list:
        if items is None:
            return []
        if not isinstance(items, list):
            self.problem(path, "must be a list")
            return []
        out, seen = [], set()
        for i, item in enumerate(items):
            where = f"{path}[{i}]"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping")
                continue
            checked = check(where, item)
            ident = checked.get(key) or (checked.get(alt_key) if alt_key else None)
            if ident is not None and ident in seen:
                self.problem(where, f"{ident!r} is listed twice")
            seen.add(ident)
            out.append(checked)
        return out

    def configuration(self, path: str, sections) -> dict:
        if not isinstance(sections, dict):
            self.problem(path, "must be a mapping of section name to settings")
            return {}
        known = {s["section"] for s in self.catalogue.get("sections", [])}
        self.unknown(path, sections, known)
        out = {}
        for name, body in sections.items():
            entry = C.section(self.catalogue, name)
            if entry is None:
                continue
            where = f"{path}.{name}"
            if not isinstance(body, dict):
                self.problem(where, "must be a mapping")
                continue
            disc = entry.get("discriminator", "type")
            values = [v["value"] for v in entry.get("variants", [])]
            var = C.variant(entry, body.get(disc))
            if var is None:
                choices = ", ".join(map(str, values))
                self.problem(f"{where}.{disc}", f"is required: one of {choices}" if disc not in body
                             else f"must be one of {choices}")
                continue
            self.requires(f"{where}.{disc}", var.get("requires"), f"{disc} {var['value']!r}")
            settings, secrets = self.fields(where, body, var.get("fields", []), skip=(disc,))
            out[name] = {"body": {disc: var["value"], **settings}, "secrets": secrets,
                         "fields": var.get("fields", []), "discriminator": disc}
        return out

    def plan(self, path: str, plan: dict) -> dict:
        active = plan.get("active", True)
        if not isinstance(active, bool):
            self.problem(f"{path}.active", "must be true or false")
        if "existing" in plan:
            self.unknown(path, plan, {"existing", "active"})
            if not isinstance(plan["existing"], str) or not DNS1123.match(plan["existing"]):
                self.problem(f"{path}.existing", "must be the name of a plan of another "
                                                 "namespace of this cluster")
            return {"existing": plan["existing"], "name": plan["existing"], "active": active}
        name, kind, type_ = plan.get("name"), plan.get("kind"), plan.get("type")
        common = {f["name"]: f for f in self.catalogue.get("plan_common", [])}
        if name is None:
            self.problem(f"{path}.name", "is required")
        elif "name" in common:
            self.field(f"{path}.name", common["name"], name)
        elif not isinstance(name, str) or not DNS1123.match(name):
            self.problem(f"{path}.name", "must be a DNS-1123 label (lowercase letters, digits, "
                                         "'-'), at most 63 characters")
        kinds = C.plan_kinds(self.catalogue)
        if kind not in kinds:
            self.problem(f"{path}.kind", f"must be one of {', '.join(kinds)}")
            return {"name": name}
        spec = C.plan_type(self.catalogue, kind, type_)
        if spec is None:
            self.problem(f"{path}.type", f"a {kind} plan's type must be one of "
                                         f"{', '.join(kinds[kind])}")
            return {"name": name}
        self.requires(f"{path}.type", spec.get("requires"), f"a {type_} plan")
        settings, secrets = self.fields(path, plan, spec.get("fields", []), skip=PLAN_COMMON)
        return {"name": name, "kind": kind, "type": type_, "active": active,
                "settings": settings, "secrets": secrets, "fields": spec.get("fields", [])}

    def member(self, path: str, member: dict) -> dict:
        self.unknown(path, member, MEMBER_KEYS)
        email, role, rights = member.get("email"), member.get("role"), member.get("rights")
        if not isinstance(email, str) or not EMAIL.match(email):
            self.problem(f"{path}.email", "must be an email address")
        if role not in ROLES:
            self.problem(f"{path}.role", f"must be one of {', '.join(ROLES)}")
        if rights is not None:
            if role != "custom":
                self.problem(f"{path}.rights", "only with role custom (developer and "
                                               "administrator have fixed rights)")
            elif not isinstance(rights, list) or not all(isinstance(r, str) for r in rights):
                self.problem(f"{path}.rights", "must be a list of rights")
            elif self.rights is not None:
                for j, right in enumerate(rights):
                    if right not in self.rights:
                        self.problem(f"{path}.rights[{j}]", f"unknown right {right!r} (known: "
                                                            f"{', '.join(sorted(self.rights))})")
        elif role == "custom":
            self.problem(f"{path}.rights", "is required with role custom")
        return {"email": email.lower() if isinstance(email, str) else email, "role": role,
                "rights": sorted(rights) if isinstance(rights, list) else None}

    def operate(self, path: str, operate) -> dict:
        if not isinstance(operate, dict):
            self.problem(path, "must be a mapping of " + ", ".join(OPERATE_KEYS))
            return {}
        self.unknown(path, operate, OPERATE_KEYS)
        out = {}
        for key in OPERATE_KEYS:
            if operate.get(key) is not None:
                if self.field(f"{path}.{key}", {"type": "string", "format": "uri",
                                                "max_length": 2048}, operate[key]):
                    out[key] = operate[key]
            elif key in operate:
                out[key] = None
        return out


def check(data: dict, catalogue: dict, *, rights: set[str] | None, base: Path,
          cluster_type: str | None = None, platform: str | None = None) -> dict:
    """The desired state, or ``SpecError`` listing every problem."""
    checker = Checker(catalogue, rights, base,
                      cluster_type=cluster_type or data.get("type"),
                      platform=platform or data.get("platform"))
    desired = checker.top(data)
    if checker.problems:
        raise SpecError(checker.problems)
    return desired
