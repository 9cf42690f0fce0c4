"""The CDK stacks of Cluster Manager (see ``infra/app.py``).

- ``data.DataStack`` (stateful, retained on delete): the DynamoDB table and,
  unless an external OpenID Connect issuer is configured, the Cognito user pool.
- ``api.ApiStack`` (stateless): the Chalice app through ``chalice.cdk``, its
  per-function roles, the events queue and its dead-letter queue, the role
  agents assume, the provisioning state machine (when its definition exists),
  alarms.
"""
