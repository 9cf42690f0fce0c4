"""OpenID Connect ID tokens (RS256 JWTs), verified with the standard library.

Why not PyJWT: with ``cryptography`` underneath it was the largest part of a
cold start (``bench/coldstart.py``), and verifying RS256 needs none of it —
one modular exponentiation (Python's ``pow``) and a comparison with the one
valid PKCS #1 v1.5 encoding of the SHA-256 digest (RFC 8017 §8.2.2: encode
and compare, never parse the decrypted block).  Only RS256 is accepted
(``alg: none`` or HMAC tricks cannot apply); keys come from the issuer's JWKS
(``kid``), fetched on first use, again after an hour, and again when a token
names a key not seen yet (at most once a minute).
"""
import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
import urllib.request

LEEWAY_SECONDS = 30
JWKS_LIFESPAN_SECONDS = 3600
JWKS_REFETCH_SECONDS = 60  # an unknown kid triggers a refetch at most this often
MIN_KEY_BITS = 2048
# DER of DigestInfo{sha256, NULL}, followed by the 32-byte digest (RFC 8017 §9.2)
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class InvalidToken(Exception):
    """The token must not be accepted; the message says why."""


class ExpiredToken(InvalidToken):
    pass


class UnknownKey(InvalidToken):
    pass


def _b64(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("a part of it is not base64url") from None


def _json(part: str) -> dict:
    try:
        value = json.loads(_b64(part))
    except ValueError:
        raise InvalidToken("a part of it is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidToken("a part of it is not a JSON object")
    return value


def _uint(text) -> int:
    if not isinstance(text, str):
        raise ValueError("not a base64url string")
    return int.from_bytes(_b64(text), "big")


def rs256_valid(n: int, e: int, signed: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 §8.2.2)."""
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    encoded = pow(s, e, n).to_bytes(k, "big")
    t = SHA256_DIGEST_INFO + hashlib.sha256(signed).digest()
    if k < len(t) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(encoded, expected)


class Jwks:
    """One issuer's signing keys, by ``kid``."""

    def __init__(self, url: str):
        self.url = url
        self.keys: dict[str, tuple[int, int]] = {}
        self.fetched_at = None
        self.lock = threading.Lock()

    def _fetch(self) -> None:
        try:
            with urllib.request.urlopen(self.url, timeout=5) as resp:
                document = json.loads(resp.read())
        except (OSError, ValueError) as exc:
            raise UnknownKey(f"the issuer's keys could not be fetched from {self.url}: {exc}") from None
        keys = {}
        for jwk in document.get("keys", []) if isinstance(document, dict) else []:
            if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
                continue
            if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
                continue
            try:
                n, e = _uint(jwk.get("n")), _uint(jwk.get("e"))
            except (ValueError, InvalidToken):
                continue
            if n.bit_length() >= MIN_KEY_BITS and isinstance(jwk.get("kid"), str):
                keys[jwk["kid"]] = (n, e)
        self.keys, self.fetched_at = keys, time.monotonic()

    def key(self, kid: str) -> tuple[int, int]:
        with self.lock:
            age = None if self.fetched_at is None else time.monotonic() - self.fetched_at
            if age is None or age > JWKS_LIFESPAN_SECONDS or (
                    kid not in self.keys and age > JWKS_REFETCH_SECONDS):
                self._fetch()
            if kid not in self.keys:
                raise UnknownKey(f"no key {kid!r} in the issuer's JWKS")
            return self.keys[kid]


_issuers: dict[str, Jwks] = {}
_issuers_lock = threading.Lock()


def jwks(url: str) -> Jwks:
    with _issuers_lock:
        return _issuers.setdefault(url, Jwks(url))


def _number(claims: dict, name: str):
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidToken(f"the {name!r} claim is not a number")
    return value


def _signed_part(token: str) -> tuple[list[str], str]:
    """The token's parts and its key id, once its header is acceptable."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidToken("it is not a signed JWT (header.payload.signature)")
    header = _json(parts[0])
    if header.get("alg") != "RS256":
        raise InvalidToken(f"algorithm {header.get('alg')!r} is not accepted (RS256 only)")
    if "crit" in header:
        raise InvalidToken("critical header extensions are not supported")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidToken("the header names no key (kid)")
    return parts, kid


def _check_times(claims: dict) -> None:
    now = time.time()
    exp, nbf, iat = _number(claims, "exp"), _number(claims, "nbf"), _number(claims, "iat")
    if exp is not None and exp <= now - LEEWAY_SECONDS:
        raise ExpiredToken("the token has expired")
    if nbf is not None and nbf > now + LEEWAY_SECONDS:
        raise InvalidToken("the token is not valid yet (nbf)")
    if iat is not None and iat > now + LEEWAY_SECONDS:
        raise InvalidToken("the token was issued in the future (iat)")


def _check_parties(claims: dict, issuer: str, audience: str) -> None:
    if "iss" in claims and claims["iss"] != issuer:
        raise InvalidToken("wrong issuer")
    if "aud" in claims:
        aud = claims["aud"]
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if audience not in audiences:
            raise InvalidToken("wrong audience")


def verify(token: str, *, jwks_url: str, issuer: str, audience: str,
           required=("exp", "iss", "aud", "sub")) -> dict:
    """The token's claims, or InvalidToken (ExpiredToken, UnknownKey)."""
    parts, kid = _signed_part(token)
    n, e = jwks(jwks_url).key(kid)
    if not rs256_valid(n, e, f"{parts[0]}.{parts[1]}".encode(), _b64(parts[2])):
        raise InvalidToken("signature verification failed")
    claims = _json(parts[1])
    for name in required:
        if name not in claims:
            raise InvalidToken(f"the token has no {name!r} claim")
    _check_times(claims)
    _check_parties(claims, issuer, audience)
    return claims
