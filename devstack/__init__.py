"""The local stack: moto in server mode standing in for AWS, ``chalice
local`` serving the API, and a runner feeding queues and schedules to the
app's own handlers.  ``python -m devstack --help`` (``make run``/``make token``)."""
