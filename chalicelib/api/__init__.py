"""HTTP layer: routing with auth/parsing/errors, schemas, OpenAPI, and one
blueprint per resource (``clusters``, ``namespaces``, …)."""
