"""The CDK stacks of Cluster Manager (see ``infra/app.py``).

- ``data.DataStack`` (stateful, retained on delete): the DynamoDB table and,
  unless an external OpenID Connect issuer is configured, the Cognito user pool.
- ``api.ApiStack`` (stateless), put together from small constructs:
  ``events_queues.EventsQueues`` (the events queue and its dead-letter queue),
  ``provisioning.ProvisioningStateMachine`` (when its definition exists),
  ``roles.FunctionRoles`` (per-function roles, the role agents assume),
  ``chalice_api.ChaliceApi`` (the Chalice app through ``chalice.cdk``) and
  ``alarms.Alarms``; ``functions`` lists the app's functions.
"""
