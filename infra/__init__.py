"""Everything that knows AWS resources.

``definitions`` describes the resources once (table keys and indexes, queues,
state machines); ``local`` creates them idempotently on the local stand-in;
the CDK app (``infra/app.py``) deploys the same definitions to AWS.
"""
