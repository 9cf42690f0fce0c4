"""AWS X-Ray tracing, switched on lazily and only where it can work.

On Lambda with active tracing the SDK patches botocore (every DynamoDB, SQS,
STS … call becomes a subsegment) and each handler opens a subsegment of its
own.  Locally there is no daemon: the SDK is never imported, so there is no
start-up cost and no "cannot send segment" noise.  Importing this module
builds nothing; the first handler call does the work once.
"""
import contextlib

from chalicelib import settings

_state = {"started": False, "recorder": None}


def start() -> None:
    if _state["started"]:
        return
    _state["started"] = True
    if not settings.tracing_enabled():
        return
    from aws_xray_sdk.core import patch, xray_recorder  # lazy: only on Lambda with tracing on

    xray_recorder.configure(context_missing="IGNORE_ERROR")
    patch(["botocore"])
    _state["recorder"] = xray_recorder


def subsegment(name: str):
    """A subsegment around one handler's work (a no-op when tracing is off)."""
    recorder = _state["recorder"]
    if recorder is None:
        return contextlib.nullcontext()
    return recorder.in_subsegment(name)

