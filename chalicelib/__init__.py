"""Cluster Manager backend: everything app.py wires to lives here.

Rooms:
- ``settings``   environment variables (the only way resource names reach the code)
- ``errors``     the JSON error vocabulary every route speaks
- ``models``     the single DynamoDB table and its item types (PynamoDB)
- ``domain/``    the rules: names, clusters, namespaces (no HTTP here)
- ``api/``       HTTP: routing, request parsing, auth, schemas, OpenAPI, route blueprints
- ``auth``       bearer-token (JWT) verification
- ``tracing``    X-Ray, switched on only where a daemon exists (Lambda)
"""
