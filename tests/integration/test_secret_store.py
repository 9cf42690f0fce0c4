"""Secrets in SSM Parameter Store (SecureString, the stage's KMS key), by
namespace path, against the AWS stand-in."""
import os

import boto3
import botocore.exceptions
import pytest

from chalicelib import clock, secret_store
from chalicelib.domain import agents


def test_put_get_overwrite_list_and_delete_by_namespace():
    ns, other = clock.new_id(), clock.new_id()
    a = secret_store.ref(ns, "plans", "pg")
    b = secret_store.ref(ns, "config", "registry")
    c = secret_store.ref(other, "plans", "pg")
    assert a.startswith(secret_store.namespace_path(ns)) and a.startswith("/")
    secret_store.put(a, {"password": "one"})
    secret_store.put(a, {"password": "two"})  # overwrite
    secret_store.put(b, {"secret": "r"})
    secret_store.put(c, {"password": "other"})
    assert secret_store.get(a) == {"password": "two"}
    assert sorted(secret_store.namespace_refs(ns)) == sorted([a, b])

    meta = boto3.client("ssm").describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": [a]}])["Parameters"][0]
    assert meta["Type"] == "SecureString" and meta["KeyId"] == os.environ["SECRETS_KMS_KEY"]
    raw = boto3.client("ssm").get_parameter(Name=a)["Parameter"]["Value"]
    assert raw != '{"password": "two"}'  # without decryption: the ciphertext

    secret_store.delete(a)
    secret_store.delete(a)  # idempotent
    assert secret_store.namespace_refs(ns) == [b]
    assert secret_store.get(c) == {"password": "other"}
    with pytest.raises(botocore.exceptions.ClientError, match="ParameterNotFound"):
        secret_store.get(a)


def test_agent_secret_lives_under_its_namespace_path():
    ns = clock.new_id()
    agents.store_secret(ns, "cma_x", 3)
    assert agents.stored_secret(ns) == {"secret": "cma_x", "generation": 3}
    assert secret_store.namespace_refs(ns) == [agents.secret_name(ns)]
    secret_store.delete(agents.secret_name(ns))
