"""Ephemeral plans: nothing is created outside the namespace."""
NOTE = ("ephemeral: nothing is created outside the namespace; the app keeps this data inside "
        "its own pod, and it is lost whenever the pod restarts")


def run(plan: dict, secrets: dict, names, existing, operation: str):
    return None, {"plan_type": "ephemeral", "note": NOTE}
