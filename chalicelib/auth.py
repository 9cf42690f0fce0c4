"""Bearer-token authentication: OpenID Connect ID tokens (``chalicelib.oidc``).

The issuer is configuration, not code: ``JWT_ISSUER``, ``JWT_AUDIENCE`` and
``JWT_JWKS_URL`` (a Cognito user pool's ``…/.well-known/jwks.json`` in
production, the dev issuer's locally).  Keys are fetched once per process
and cached (an hour; sooner for a key not seen yet).
"""
from chalicelib import oidc, settings
from chalicelib.domain.access import Principal
from chalicelib.errors import Unauthorized


def _unauthorized(reason: str) -> Unauthorized:
    return Unauthorized(
        f"{reason}. Send 'Authorization: Bearer <token>' with a token from your "
        "identity provider (locally: make token EMAIL=you@example.com).",
        code="unauthorized",
    )


def authenticate(header: str | None) -> Principal:
    if not header:
        raise _unauthorized("No bearer token")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("The Authorization header is not 'Bearer <token>'")
    try:
        claims = oidc.verify(token, jwks_url=settings.jwks_url(), issuer=settings.jwt_issuer(),
                             audience=settings.jwt_audience())
    except oidc.ExpiredToken:
        raise _unauthorized("The token has expired") from None
    except oidc.UnknownKey as exc:
        raise _unauthorized(f"The token's signing key is unknown ({exc})") from None
    except oidc.InvalidToken as exc:
        raise _unauthorized(f"The token is not valid ({exc})") from None
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise _unauthorized("The token carries no email claim")
    # An unverified address could be anyone's (e.g. a user who changed their
    # own email to the cluster creator's): it is no identity.
    if claims.get("email_verified") not in (True, "true"):
        raise _unauthorized(
            f"The token's email ({email}) is not verified (email_verified is not true); "
            "verify the address with your identity provider, then sign in again")
    return Principal(email=email.strip().lower(), subject=str(claims["sub"]))
