"""Bearer-token authentication: OpenID Connect ID tokens verified with PyJWT.

The issuer is configuration, not code: ``JWT_ISSUER``, ``JWT_AUDIENCE`` and
``JWT_JWKS_URL`` (a Cognito user pool's ``…/.well-known/jwks.json`` in
production, the dev issuer's locally).  Keys are
fetched once per process and cached by PyJWKClient.
"""
import functools

from chalicelib import settings
from chalicelib.domain.access import Principal
from chalicelib.errors import Unauthorized

ALGORITHMS = ["RS256"]


@functools.lru_cache(maxsize=4)
def _jwks_client(url: str):
    from jwt import PyJWKClient  # lazy: PyJWT and cryptography cost cold start on agent routes

    return PyJWKClient(url, cache_keys=True, lifespan=3600)


def _unauthorized(reason: str) -> Unauthorized:
    return Unauthorized(
        f"{reason}. Send 'Authorization: Bearer <token>' with a token from your "
        "identity provider (locally: make token EMAIL=you@example.com).",
        code="unauthorized",
    )


def authenticate(header: str | None) -> Principal:
    import jwt  # lazy: PyJWT and cryptography cost cold start on agent routes

    if not header:
        raise _unauthorized("No bearer token")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("The Authorization header is not 'Bearer <token>'")
    try:
        key = _jwks_client(settings.jwks_url()).get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience(),
            issuer=settings.jwt_issuer(),
            options={"require": ["exp", "iss", "aud", "sub"]},
            leeway=30,
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("The token has expired") from None
    except jwt.PyJWKClientError as exc:
        raise _unauthorized(f"The token's signing key is unknown ({exc})") from None
    except jwt.InvalidTokenError as exc:
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
