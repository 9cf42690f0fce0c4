"""``apply``: compare the desired state (``spec``) with what the API holds,
list the changes, then make them in dependency order.

Order: the cluster, each namespace, its configuration sections, its plans
(then their activation), its operate URLs, its members; then, only with
``--prune``, removals (members, plan deactivation — plans are never deleted —,
operate URLs, and last namespaces).  Reading costs a few GETs per namespace;
an unchanged item costs no write.
"""
from dataclasses import dataclass, field

from cluster_manager_cli import paths as P
from cluster_manager_cli.secrets import matches

MASK = "***"
# Values the API derives when the file leaves a field out: (section, field) → source field.
DERIVED = {("registry", "push_url"): "pull_url"}


@dataclass
class Change:
    action: str  # create | update | remove | deactivate | unchanged
    what: str
    details: list[str] = field(default_factory=list)
    run: object = None  # callable(api, ctx) for the write(s); None when unchanged
    prune: bool = False

    def as_dict(self) -> dict:
        return {"action": self.action, "what": self.what, "details": self.details,
                **({"prune": True} if self.prune else {})}


def fmt(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def diff_fields(desired: dict, current: dict, skip=(), derived=None) -> list[str]:
    out = []
    for key in sorted(set(desired) | set(current)):
        if key in skip:
            continue
        want, have = desired.get(key), current.get(key)
        if want is None and derived and key in derived and have == desired.get(derived[key]):
            continue
        if want != have:
            out.append(f"{key}: {fmt(have)} → {fmt(want)}")
    return out


def diff_secrets(spec_fields: list[dict], secrets: dict, current_settings: dict | None,
                 digests: dict | None) -> tuple[list[str], bool]:
    """Lines for the secret fields (values never shown) and whether any changed."""
    lines, changed = [], False
    for f in spec_fields:
        if not f.get("secret"):
            continue
        name, want = f["name"], secrets.get(f["name"])
        held = current_settings is not None and current_settings.get(name) == MASK
        digest = (digests or {}).get(name)
        if current_settings is None:
            if want is not None:
                lines.append(f"{name}: (set)")
            continue
        if want is None:
            if held:
                lines.append(f"{name}: (removed)")
                changed = True
        elif held and matches(want, digest):
            lines.append(f"{name}: (unchanged)")
        else:
            lines.append(f"{name}: (changed)")
            changed = True
    return lines, changed


class Planner:
    def __init__(self, api, desired: dict, *, prune: bool, cluster: dict | None = None):
        """``cluster``: the current cluster when the caller already looked it up."""
        self.api, self.desired, self.prune = api, desired, prune
        self.cluster = cluster
        self.changes: list[Change] = []
        self.removals: list[Change] = []
        self.namespace_removals: list[Change] = []

    # --- reading ----------------------------------------------------------------

    def read(self):
        from cluster_manager_cli import resolve

        if self.cluster is None:
            self.cluster = resolve.find_cluster(self.api, self.desired["cluster"])
        self.namespaces = {}
        if self.cluster:
            path = self.api.path(P.NAMESPACES, cluster=self.cluster["cluster_id"])
            self.namespaces = {ns["name"]: ns for ns in self.api.all_pages(path)}
        self.current = self.read_namespaces()

    def read_namespaces(self) -> dict:
        """What the file manages of each existing namespace, read in parallel (GETs only)."""
        from concurrent.futures import ThreadPoolExecutor

        wanted = []
        for ns in self.desired["namespaces"]:
            if ns["name"] not in self.namespaces:
                continue
            if ns["configuration"] is not None or ns["plans"] is not None:
                wanted.append((ns["name"], "configuration"))
            wanted += [(ns["name"], part) for part in ("operate", "members")
                       if ns[part] is not None]
        if not wanted:
            return {}
        with ThreadPoolExecutor(max_workers=min(8, len(wanted))) as pool:
            return dict(zip(wanted, pool.map(lambda job: self.ns_read(*job), wanted),
                            strict=True))

    def ns_read(self, name: str, what: str):
        where = {"cluster": self.cluster["cluster_id"], "namespace": name}
        if what == "configuration":
            return self.api.get(self.api.path(P.CONFIGURATION, **where))
        if what == "members":
            return self.api.all_pages(self.api.path(P.MEMBERS, **where))
        return self.api.get(self.api.path(P.OPERATE, **where))

    # --- planning -----------------------------------------------------------------

    def plan(self) -> list[Change]:
        self.read()
        self.plan_cluster()
        for ns in self.desired["namespaces"]:
            self.plan_namespace(ns)
        if self.prune and self.cluster:
            listed = {ns["name"] for ns in self.desired["namespaces"]}
            for name in sorted(set(self.namespaces) - listed):
                self.namespace_removals.append(Change(
                    "remove", f"namespace {name}", ["not in the file"], prune=True,
                    run=self._call("DELETE", P.NAMESPACE, namespace=name)))
        return self.changes + self.removals + self.namespace_removals

    def _call(self, method, template, body=None, query=None, **params):
        def run(api, ctx):
            path = api.path(template, cluster=ctx["cluster_id"], **params)
            return api.request(method, path, json_body=body, params=query)
        return run

    def plan_cluster(self):
        d = self.desired
        if self.cluster is None:
            body = {"name": d["cluster"], "type": d["type"]}
            if d["description"] is not None:
                body["description"] = d["description"]
            if d["platform"]:
                body["platform"] = d["platform"]

            def create(api, ctx):
                ctx["cluster_id"] = api.post(P.CLUSTERS, body)["cluster_id"]
            self.changes.append(Change("create", f"cluster {d['cluster']}",
                                       [f"{k}: {fmt(v)}" for k, v in body.items()], create))
            return
        c, lines = self.cluster, []
        for key in ("type", "platform"):
            if d[key] is not None and d[key] != c.get(key):
                lines.append(f"{key}: {fmt(c.get(key))} → {fmt(d[key])} (cannot change: "
                             "create a new cluster instead)")
        if lines:
            from cluster_manager_cli.errors import USAGE, CliError

            raise CliError(f"cluster {d['cluster']}: " + "; ".join(lines), USAGE)
        if d["description_set"] and d["description"] != c.get("description"):
            self.changes.append(Change(
                "update", f"cluster {d['cluster']}",
                [f"description: {fmt(c.get('description'))} → {fmt(d['description'])}"],
                self._call("PATCH", P.CLUSTER, {"description": d["description"]})))
        else:
            self.changes.append(Change("unchanged", f"cluster {d['cluster']}"))

    def plan_namespace(self, ns: dict):
        name = ns["name"]
        current = self.namespaces.get(name)
        if current is None:
            self.changes.append(Change(
                "create", f"namespace {name}", [f"installation_type: {ns['installation_type']}"],
                self._call("POST", P.NAMESPACES, {"name": name,
                                                  "installation_type": ns["installation_type"]})))
        elif current["installation_type"] != ns["installation_type"]:
            from cluster_manager_cli.errors import USAGE, CliError

            raise CliError(f"namespace {name}: installation_type is {current['installation_type']}"
                           f" and cannot change to {ns['installation_type']}; remove and add the "
                           "namespace instead.", USAGE)
        else:
            self.changes.append(Change("unchanged", f"namespace {name}"))
        config = self.current.get((name, "configuration"))
        for section, want in (ns["configuration"] or {}).items():
            have = (config or {}).get("sections", {}).get(section)
            self.plan_section(name, section, want, have)
        if ns["plans"] is not None:
            self.plan_plans(name, ns["plans"], (config or {}).get("plans", []))
        if ns["operate"] is not None:
            self.plan_operate(name, ns["operate"], self.current.get((name, "operate")))
        if ns["members"] is not None:
            self.plan_members(name, ns["members"], self.current.get((name, "members"), []))

    def plan_section(self, ns: str, section: str, want: dict, have: dict | None):
        what = f"{ns} {section}"
        body = {**want["body"], **want["secrets"]}
        run = self._call("PUT", P.SECTION, body, namespace=ns, section=section)
        secret_names = {f["name"] for f in want["fields"] if f.get("secret")}
        if have is None:
            lines = [f"{k}: {fmt(v)}" for k, v in want["body"].items()]
            lines += diff_secrets(want["fields"], want["secrets"], None, None)[0]
            self.changes.append(Change("create", what, lines, run))
            return
        current = {k: v for k, v in have["settings"].items() if k not in secret_names}
        derived = {f: src for (sec, f), src in DERIVED.items() if sec == section}
        lines = diff_fields(want["body"], current, derived=derived)
        secret_lines, secret_changed = diff_secrets(want["fields"], want["secrets"],
                                                    have["settings"], have.get("secret_digests"))
        # a secret the current variant holds but the new one does not have
        for key, value in have["settings"].items():
            if value == MASK and key not in secret_names:
                secret_lines.append(f"{key}: (removed)")
                secret_changed = True
        if lines or secret_changed:
            self.changes.append(Change("update", what, lines + secret_lines, run))
        else:
            self.changes.append(Change("unchanged", what))

    def plan_plans(self, ns: str, plans: list, current: list):
        have = {p["name"]: p for p in current}
        for plan in plans:
            old = have.get(plan["name"])
            if "existing" in plan:
                self.plan_existing(ns, plan, old)
            else:
                self.plan_one(ns, plan, old)
            if (old["active"] if old else True) != plan["active"]:
                self._toggle(ns, plan["name"], plan["active"], old)
        if self.prune:
            listed = {p["name"] for p in plans}
            for name in sorted(n for n in set(have) - listed if have[n]["active"]):
                self.removals.append(Change(
                    "deactivate", f"{ns} plan {name}",
                    ["not in the file (plans are never deleted, only deactivated)"],
                    self._call("PATCH", P.PLAN, {"active": False}, namespace=ns, plan=name),
                    prune=True))

    def plan_existing(self, ns: str, plan: dict, old: dict | None):
        name, what = plan["name"], f"{ns} plan {plan['name']}"
        if old is None:
            self.changes.append(Change("create", what, ["added from another namespace"],
                                       self._call("POST", P.PLANS, {"existing": name},
                                                  namespace=ns)))
        elif old["active"] == plan["active"]:
            self.changes.append(Change("unchanged", what))

    def plan_one(self, ns: str, plan: dict, old: dict | None):
        what = f"{ns} plan {plan['name']}"
        body = {"name": plan["name"], "kind": plan["kind"], "type": plan["type"],
                **plan["settings"], **plan["secrets"]}
        run = self._call("POST", P.PLANS, body, namespace=ns)
        if old is None:
            lines = [f"{k}: {fmt(v)}" for k, v in [("kind", plan["kind"]), ("type", plan["type"]),
                                                  *plan["settings"].items()]]
            lines += diff_secrets(plan["fields"], plan["secrets"], None, None)[0]
            self.changes.append(Change("create", what, lines, run))
            return
        secret_names = {f["name"] for f in plan["fields"] if f.get("secret")}
        lines = diff_fields({"kind": plan["kind"], "type": plan["type"]},
                            {"kind": old["kind"], "type": old["type"]})
        settings = {k: v for k, v in old["settings"].items()
                    if k not in secret_names and v != MASK}
        lines += diff_fields(plan["settings"], settings)
        secret_lines, secret_changed = diff_secrets(plan["fields"], plan["secrets"],
                                                    old["settings"], old.get("secret_digests"))
        if lines or secret_changed:
            self.changes.append(Change("update", what, lines + secret_lines, run))
        elif old["active"] == plan["active"]:
            self.changes.append(Change("unchanged", what))

    def _toggle(self, ns, name, active, old):
        self.changes.append(Change(
            "update", f"{ns} plan {name}",
            [f"active: {fmt(old['active']) if old else 'true'} → {fmt(active)}"],
            self._call("PATCH", P.PLAN, {"active": active}, namespace=ns, plan=name)))

    def plan_operate(self, ns: str, want: dict, have: dict | None):
        from cluster_manager_cli.spec import OPERATE_KEYS

        have = {k: (have or {}).get(k) for k in OPERATE_KEYS}
        body = {k: want.get(k, have[k]) for k in OPERATE_KEYS}
        dropped = [k for k in OPERATE_KEYS if k not in want and have[k] is not None]
        lines = diff_fields({k: v for k, v in body.items()}, have)
        if lines:
            self.changes.append(Change("update", f"{ns} operate", lines,
                                       self._call("PUT", P.OPERATE, body, namespace=ns)))
        else:
            self.changes.append(Change("unchanged", f"{ns} operate"))
        if dropped and self.prune:
            pruned = {**body, **{k: None for k in dropped}}
            self.removals.append(Change(
                "remove", f"{ns} operate", [f"{k}: {fmt(have[k])} → (none)" for k in dropped],
                self._call("PUT", P.OPERATE, pruned, namespace=ns), prune=True))

    def plan_members(self, ns: str, members: list, current: list):
        have = {m["email"].lower(): m for m in current}
        for m in members:
            what = f"{ns} member {m['email']}"
            body = {"role": m["role"], **({"rights": m["rights"]} if m["role"] == "custom" else {})}
            old = have.get(m["email"])
            if old is None or old["status"] == "expired":
                self.changes.append(Change(
                    "create", what, [f"role: {m['role']}"] + (
                        [f"rights: {','.join(m['rights'])}"] if m["role"] == "custom" else []) + (
                        ["the invitation had expired: a new one is sent"] if old else []),
                    self._call("POST", P.MEMBERS, {"email": m["email"], **body}, namespace=ns)))
                continue
            lines = []
            if old["role"] != m["role"]:
                lines.append(f"role: {old['role']} → {m['role']}")
            if m["role"] == "custom" and sorted(old["rights"]) != m["rights"]:
                before, after = ",".join(sorted(old["rights"])), ",".join(m["rights"])
                lines.append(f"rights: {before} → {after}")
            if lines:
                self.changes.append(Change("update", what, lines, self._call(
                    "PATCH", P.MEMBER, body, namespace=ns, email=m["email"])))
            else:
                self.changes.append(Change("unchanged", what))
        if self.prune:
            listed = {m["email"] for m in members}
            for email in sorted(set(have) - listed):
                self.removals.append(Change(
                    "remove", f"{ns} member {email}", ["not in the file"],
                    self._call("DELETE", P.MEMBER, query={"confirm": "true"}, namespace=ns,
                               email=email), prune=True))


SYMBOL = {"create": "+", "update": "~", "remove": "-", "deactivate": "-", "unchanged": "="}


def render(changes: list[Change], *, show_unchanged: bool = True) -> str:
    lines = []
    for c in changes:
        if c.action == "unchanged" and not show_unchanged:
            continue
        tail = " (--prune)" if c.prune else ""
        lines.append(f"{SYMBOL[c.action]} {c.what}: {c.action}{tail}")
        lines.extend(f"      {d}" for d in c.details)
    return "\n".join(lines)


def summary(changes: list[Change]) -> dict:
    out = {"create": 0, "update": 0, "remove": 0, "unchanged": 0}
    for c in changes:
        out["remove" if c.action == "deactivate" else c.action] += 1
    return out
