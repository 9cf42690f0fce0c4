"""What API Gateway itself answers, before any of our code runs.

A method or path that no route declares never reaches the Lambda function:
API Gateway (REST) answers 403 "Missing Authentication Token".  The stage
customises that gateway response (``infra``) so the body is our error shape,
the local server (``devstack.chalice_local``) answers the same, and the
OpenAPI document declares it.  One fact, three users: they all read it here.
"""
import json

UNKNOWN_ROUTE_STATUS = 403
UNKNOWN_ROUTE_CODE = "missing_authentication_token"
UNKNOWN_ROUTE_MESSAGE = ("Missing Authentication Token: this API has no such method and path "
                         "(API Gateway's answer for routes it does not know); see GET "
                         "/openapi.json for the paths and the methods each one takes.")
# API Gateway's gateway response type for it (see infra/stacks/api.py)
GATEWAY_RESPONSE_TYPE = "MISSING_AUTHENTICATION_TOKEN"


def unknown_route_body() -> bytes:
    return json.dumps({"error": UNKNOWN_ROUTE_CODE, "message": UNKNOWN_ROUTE_MESSAGE},
                      separators=(",", ":")).encode()
