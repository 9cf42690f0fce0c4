"""The nine rights a namespace member can hold (seed §4.3) and the roles that
bundle them.  Developer and Administrator are fixed sets; Custom is any
non-empty subset.  The cluster's creator holds every right everywhere."""

MANAGE_ENVIRONMENT = "manage_environment"
DEPLOY_APP = "deploy_app"
SCALE_APP = "scale_app"
EDIT_APP_CONSTANTS = "edit_app_constants"
MANAGE_SCHEDULED_EVENTS = "manage_scheduled_events"
VIEW_LOGS = "view_logs"
VIEW_ALERTS = "view_alerts"
VIEW_METRICS = "view_metrics"
MANAGE_BACKUPS = "manage_backups"

DESCRIPTIONS = {
    MANAGE_ENVIRONMENT: "Create and delete environments, start and stop the application",
    DEPLOY_APP: "Deploy a new app to the environment or start and stop existing apps",
    SCALE_APP: "Change the number of replicas",
    EDIT_APP_CONSTANTS: "Edit app constants",
    MANAGE_SCHEDULED_EVENTS: "Manage app scheduled events",
    VIEW_LOGS: "View app logs",
    VIEW_ALERTS: "View app alerts",
    VIEW_METRICS: "View app metrics",
    MANAGE_BACKUPS: "Manage app backups",
}
ALL = tuple(DESCRIPTIONS)

DEVELOPER = (DEPLOY_APP, SCALE_APP, EDIT_APP_CONSTANTS, MANAGE_SCHEDULED_EVENTS,
             VIEW_LOGS, VIEW_ALERTS, VIEW_METRICS)
ADMINISTRATOR = ALL
ROLES = {"developer": DEVELOPER, "administrator": ADMINISTRATOR}
CUSTOM = "custom"


def rights_for(role: str, rights: list[str] | None) -> list[str]:
    """The rights a role grants, in canonical order; raises ValueError with a
    message that says how to fix the request."""
    if role in ROLES:
        if rights is not None and sorted(set(rights)) != sorted(ROLES[role]):
            raise ValueError(f"role {role!r} has a fixed set of rights; leave 'rights' out, "
                             "or use role 'custom' to choose them")
        return list(ROLES[role])
    if role != CUSTOM:
        raise ValueError(f"unknown role {role!r}; use developer, administrator or custom")
    unknown = sorted(set(rights or []) - set(ALL))
    if unknown:
        raise ValueError(f"unknown rights {unknown}; choose from {list(ALL)}")
    if not rights:
        raise ValueError(f"role 'custom' needs a non-empty 'rights' list from {list(ALL)}")
    return [r for r in ALL if r in set(rights)]

