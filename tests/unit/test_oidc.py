"""RS256 ID-token verification with the standard library (chalicelib/oidc.py),
against tokens PyJWT signs."""
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import oidc

URL, ISS, AUD = "https://issuer.example.com/jwks.json", "https://issuer.example.com", "cm"


def keypair(bits=2048):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = key.public_key().public_numbers()
    return key, (numbers.n, numbers.e)


KEY, PUBLIC = keypair()
OTHER, _ = keypair()


@pytest.fixture(autouse=True)
def issuer_keys():
    known = oidc.Jwks(URL)
    known.keys, known.fetched_at = {"k1": PUBLIC}, time.monotonic()
    oidc._issuers[URL] = known
    yield known
    oidc._issuers.pop(URL, None)


def token(key=KEY, kid="k1", alg="RS256", **claims):
    body = {"iss": ISS, "aud": AUD, "sub": "s", "email": "a@example.com",
            "exp": int(time.time()) + 300, "iat": int(time.time()), **claims}
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


def verify(t):
    return oidc.verify(t, jwks_url=URL, issuer=ISS, audience=AUD)


def test_a_good_token_gives_its_claims():
    assert verify(token())["email"] == "a@example.com"
    assert verify(token(aud=["other", AUD]))["sub"] == "s"


@pytest.mark.parametrize("bad, error", [
    (lambda: token(key=OTHER), "signature"),
    (lambda: token()[:-4] + "AAAA", "signature"),
    (lambda: token().rsplit(".", 2)[0] + "." + token(sub="x").split(".")[1] + "." + token().split(".")[2],
     "signature"),
    (lambda: token(iss="https://evil.example.com"), "issuer"),
    (lambda: token(aud="someone-else"), "audience"),
    (lambda: token(sub=None), "'sub'"),
    (lambda: token(exp=None), "'exp'"),
    (lambda: token(nbf=int(time.time()) + 600), "nbf"),
    (lambda: token(iat=int(time.time()) + 600), "iat"),
    (lambda: token(exp="tomorrow"), "number"),
    (lambda: jwt.encode({"sub": "x"}, None, algorithm="none"), "JWT"),  # no signature part
    (lambda: jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256", headers={"kid": "k1"}), "algorithm"),
    (lambda: "not-a-jwt", "JWT"),
    (lambda: "a.b.c", "base64url"),
])
def test_bad_tokens_are_refused_with_the_reason(bad, error):
    with pytest.raises(oidc.InvalidToken, match=error):
        verify(bad())


def test_expired_is_its_own_error_with_leeway():
    assert verify(token(exp=int(time.time()) - 10))  # within the 30 s leeway
    with pytest.raises(oidc.ExpiredToken):
        verify(token(exp=int(time.time()) - 60))


def test_an_unknown_key_is_refetched_at_most_once_a_minute(issuer_keys, monkeypatch):
    fetched = []
    monkeypatch.setattr(issuer_keys, "_fetch", lambda: fetched.append(1))
    with pytest.raises(oidc.UnknownKey):
        verify(token(kid="k2"))
    assert fetched == []  # fetched just now: not again
    issuer_keys.fetched_at -= oidc.JWKS_REFETCH_SECONDS + 1
    with pytest.raises(oidc.UnknownKey):
        verify(token(kid="k2"))
    assert fetched == [1]


def test_short_keys_and_malformed_signatures_never_verify():
    _, (n, e) = keypair(1024)
    assert not oidc.rs256_valid(n, e, b"x", b"\x00" * 128)
    assert not oidc.rs256_valid(PUBLIC[0], PUBLIC[1], b"x", b"")
    assert not oidc.rs256_valid(PUBLIC[0], PUBLIC[1], b"x", (PUBLIC[0] + 1).to_bytes(256, "big"))
