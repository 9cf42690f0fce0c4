"""Cluster Manager — the table of contents.

Only wiring here: each blueprint in ``chalicelib/api`` owns a resource's
routes; event handlers (queues, schedules) are wired below.  Importing this
module makes no AWS call and builds no client.
"""
from chalice import Chalice

from chalicelib.api import clusters, namespaces, openapi

app = Chalice(app_name="cluster-manager")

app.register_blueprint(openapi.routes.blueprint)
app.register_blueprint(clusters.routes.blueprint)
app.register_blueprint(namespaces.routes.blueprint)
