"""Cluster Manager — the table of contents.

Only wiring here: each blueprint in ``chalicelib/api`` owns a resource's
routes; the events queue and the sweep schedule are wired to their handlers
in ``chalicelib/events``.  Importing this module makes no AWS call and builds
no client.
"""
import gc
import os

from chalice import Chalice, Rate

from chalicelib.api import (agents, clusters, commands, configuration, environments, members,
                            namespaces, openapi, operate)

app = Chalice(app_name="cluster-manager")

app.register_blueprint(openapi.routes.blueprint)
app.register_blueprint(clusters.routes.blueprint)
app.register_blueprint(namespaces.routes.blueprint)
app.register_blueprint(agents.routes.blueprint)
app.register_blueprint(commands.routes.blueprint)
app.register_blueprint(members.routes.blueprint)
app.register_blueprint(operate.routes.blueprint)
app.register_blueprint(configuration.routes.blueprint)
app.register_blueprint(environments.routes.blueprint)


# up to 1 s to fill a batch: at scale one invocation carries several heartbeats
# (README, "What it costs at idle"); the local runner does not wait
@app.on_sqs_message(queue=os.environ.get("EVENTS_QUEUE_NAME", "cluster-manager-events"),
                    batch_size=10, maximum_batching_window_in_seconds=1, name="agent_events")
def handle_agent_events(event):
    """Heartbeats and command progress from every agent (partial batch failures)."""
    from chalicelib.events import agent_events  # not on the API's cold start

    return agent_events.handle(event.to_dict(), event.context)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="sweep")
def sweep(event):
    """Disconnected agents, overdue commands, expired invitations, deprovisioned environments."""
    from chalicelib.events import sweeps  # not on the API's cold start

    return sweeps.scheduled(event.context)


# Everything imported so far lives as long as the process: keep it out of the
# cyclic collector's scans, so the collections the first request triggers
# (botocore parsing its service models) walk only new objects — a third off
# that request's client creation (bench/coldstart.py).
gc.freeze()
