"""S3 and MinIO plans: a bucket per environment, through the S3 API.

**S3** (the reference's "one bucket and one IAM user per app"): with the
plan's keys, a bucket ``mendix-<namespace>-<env>-<tag>``, an IAM user of the
same name with an inline policy limited to that bucket, and an access key
for it; the environment gets that key, never the plan's.  Everything the
plan's keys do is allowed by the policy the API serves for S3 plans
(``chalicelib.domain.plans.s3_policy``): emptying the bucket before deleting
it uses the environment's own key, which may list and delete its objects.

**MinIO**: a bucket on the plan's endpoint with the plan's keys; the
environment uses the plan's keys (MinIO users are not managed through the
S3 API).

With ``prevent_data_deletion`` the bucket (and its objects) stay when the
environment is deleted, and the result's note says so.  AWS endpoints come
from the agent's environment as boto3 reads it (``AWS_ENDPOINT_URL`` …), so
the local stack's stand-in can serve them.
"""
import json

import boto3
import botocore.exceptions
from botocore.config import Config

from agent.provisioners.common import Names, ProvisioningFailed, one_line

POLICY_NAME = "cluster-manager-bucket-access"
DEFAULT_REGION = "us-east-1"
CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path"})


def bucket_policy(bucket: str) -> dict:
    """What the environment's own key may do: its bucket's objects, nothing else."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ListOwnBucket", "Effect": "Allow",
         "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "OwnObjects", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": f"arn:aws:s3:::{bucket}/*"}]}


def _code(exc: Exception) -> str | None:
    if isinstance(exc, botocore.exceptions.ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def _session(access_key: str | None, secret_key: str | None, region: str | None):
    if not access_key or not secret_key:
        raise ProvisioningFailed("the plan has no access key or secret key")
    return boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                 region_name=region or DEFAULT_REGION)


class Plan:
    def __init__(self, plan: dict, secrets: dict):
        self.type = plan.get("type")
        self.region = plan.get("region") or DEFAULT_REGION
        self.endpoint = plan.get("endpoint") if self.type == "minio" else None
        self.keep = bool(plan.get("prevent_data_deletion"))
        self.access_key = plan.get("access_key")
        self.session = _session(self.access_key, secrets.get("secret_key"), self.region)

    def client(self, service: str, session=None):
        return (session or self.session).client(service, endpoint_url=self.endpoint,
                                                config=CONFIG)


def _create_bucket(s3, bucket: str, region: str) -> None:
    """Create it, or find it already ours (S3 cannot tell which in us-east-1,
    where creating one's own bucket again simply succeeds)."""
    kwargs = {} if region == DEFAULT_REGION else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=bucket, **kwargs)
    except botocore.exceptions.ClientError as exc:
        if _code(exc) == "BucketAlreadyOwnedByYou":
            return
        if _code(exc) == "BucketAlreadyExists":
            raise ProvisioningFailed(
                f"bucket {bucket!r} is taken by another account ({one_line(exc)}); "
                "S3 bucket names are global: remove that bucket or use another plan, then retry "
                "provisioning") from None
        raise


def _ignore(codes: tuple, call, **kwargs) -> bool:
    """True when done, False when there was nothing to do (one of ``codes``)."""
    try:
        call(**kwargs)
        return True
    except botocore.exceptions.ClientError as exc:
        if _code(exc) in codes:
            return False
        raise


def _empty(s3, bucket: str) -> int:
    removed = 0
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
            removed += 1
    return removed


def _drop_keys(iam, user: str) -> int:
    """Delete every access key of ``user``; how many there were.  0 when the
    user is gone, or when the plan's keys may not list keys (a policy from
    before ``iam:ListAccessKeys`` was part of it)."""
    try:
        keys = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    except botocore.exceptions.ClientError as exc:
        if _code(exc) in ("NoSuchEntity", "AccessDenied"):
            return 0
        raise
    for key in keys:
        _ignore(("NoSuchEntity",), iam.delete_access_key, UserName=user,
                AccessKeyId=key["AccessKeyId"])
    return len(keys)


def _provision(plan: Plan, names: Names, existing: dict | None):
    bucket = names.bucket
    s3 = plan.client("s3")
    _create_bucket(s3, bucket, plan.region)
    created = {}
    details = {"type": plan.type, "bucket": bucket, "region": plan.region}
    if plan.endpoint:
        details["endpoint"] = plan.endpoint
    result = {"plan_type": plan.type, "bucket": bucket, "created": created}
    if plan.type == "minio":
        details.update(access_key_id=plan.access_key,
                       secret_access_key=plan.session.get_credentials().secret_key)
        return details, result
    iam = plan.client("iam")
    created["user"] = _ignore(("EntityAlreadyExists",), iam.create_user, UserName=bucket)
    iam.put_user_policy(UserName=bucket, PolicyName=POLICY_NAME,
                        PolicyDocument=json.dumps(bucket_policy(bucket)))
    mine = existing or {}
    if mine.get("bucket") == bucket and mine.get("access_key_id") and mine.get(
            "secret_access_key"):
        key_id, secret = mine["access_key_id"], mine["secret_access_key"]
        created["access_key"] = False
    else:
        # keys of this (per-environment) user whose secret was never stored —
        # a run that stopped between creating a key and storing it — are
        # useless to anyone, and IAM allows only two per user
        if stale := _drop_keys(iam, bucket):
            result["stale_keys_removed"] = stale
        key = iam.create_access_key(UserName=bucket)["AccessKey"]
        key_id, secret = key["AccessKeyId"], key["SecretAccessKey"]
        created["access_key"] = True
    details.update(user=bucket, access_key_id=key_id, secret_access_key=secret)
    result.update(user=bucket, access_key_id=key_id, policy=POLICY_NAME)
    return details, result


def _deprovision(plan: Plan, names: Names, existing: dict | None):
    bucket = names.bucket
    mine = existing if (existing or {}).get("bucket") == bucket else {}
    s3 = plan.client("s3")
    result = {"plan_type": plan.type, "bucket": bucket}
    if plan.keep:
        result["note"] = (f"prevent data deletion is on: bucket {bucket!r} and its objects were "
                          "kept")
    else:
        # The environment's own key may list and delete its objects; the
        # plan's keys need only delete the (then empty) bucket.
        own = (plan.client("s3", _session(mine["access_key_id"], mine["secret_access_key"],
                                          plan.region))
               if plan.type == "s3" and mine.get("access_key_id") else s3)
        try:
            result["objects_removed"] = _empty(own, bucket)
        except botocore.exceptions.ClientError as exc:
            if _code(exc) != "NoSuchBucket":
                raise
            result["objects_removed"] = 0
        result["bucket_removed"] = _ignore(("NoSuchBucket",), s3.delete_bucket, Bucket=bucket)
    if plan.type == "s3":
        iam = plan.client("iam")
        if mine.get("access_key_id"):
            _ignore(("NoSuchEntity",), iam.delete_access_key, UserName=bucket,
                    AccessKeyId=mine["access_key_id"])
        _drop_keys(iam, bucket)  # any the agent did not know (a run that stopped half-way)
        _ignore(("NoSuchEntity",), iam.delete_user_policy, UserName=bucket,
                PolicyName=POLICY_NAME)
        try:
            result["user_removed"] = _ignore(("NoSuchEntity",), iam.delete_user, UserName=bucket)
        except botocore.exceptions.ClientError as exc:
            if _code(exc) != "DeleteConflict":
                raise
            raise ProvisioningFailed(
                f"IAM user {bucket!r} still has an access key the agent does not know, and the "
                f"plan's keys may not list them ({one_line(exc)}): allow iam:ListAccessKeys on "
                "mendix-* users (GET …/plans/s3-policy shows the whole policy) or delete the "
                "user's keys in the IAM console, then retry") from None
    result["removed"] = bool(result.get("bucket_removed") or result.get("user_removed"))
    return None, result


def run(plan: dict, secrets: dict, names: Names, existing: dict | None, operation: str):
    where = plan.get("endpoint") or f"S3 ({plan.get('region') or DEFAULT_REGION})"
    try:
        settings = Plan(plan, secrets)
        if operation == "provision":
            return _provision(settings, names, existing)
        return _deprovision(settings, names, existing)
    except ProvisioningFailed:
        raise
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise ProvisioningFailed(f"{where} refused to {operation} bucket {names.bucket!r}: "
                                 f"{one_line(exc)}") from None
