"""The console in AWS: private bucket, CloudFront with origin access control,
HTTPS only, security headers with a CSP naming only the API and the issuer,
config.json written at deploy, the API on the same origin, the URL in outputs."""
import json

from tests.infra.conftest import Assembly


def one(template, type_):
    found = Assembly.resources(template, type_)
    assert len(found) == 1, (type_, list(found))
    return next(iter(found.values()))


def test_files_bucket_is_private_and_read_only_through_cloudfront(assembly):
    buckets = Assembly.resources(assembly.console, "AWS::S3::Bucket")
    for bucket in buckets.values():
        block = bucket["Properties"]["PublicAccessBlockConfiguration"]
        assert all(block[k] for k in ("BlockPublicAcls", "BlockPublicPolicy",
                                      "IgnorePublicAcls", "RestrictPublicBuckets"))
    oac = one(assembly.console, "AWS::CloudFront::OriginAccessControl")
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    policies = json.dumps(Assembly.resources(assembly.console, "AWS::S3::BucketPolicy"))
    assert "cloudfront.amazonaws.com" in policies and "AWS:SourceArn" in policies
    assert "CloudFrontOriginAccessIdentity" not in json.dumps(assembly.console)


def test_distribution_is_https_only_with_the_api_on_the_same_origin(assembly):
    config = one(assembly.console, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert {b["ViewerProtocolPolicy"] for b in behaviours} == {"https-only"}
    api = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*")
    assert "DELETE" in api["AllowedMethods"] and "PATCH" in api["AllowedMethods"]
    origin = next(o for o in config["Origins"] if o["Id"] == api["TargetOriginId"])
    assert "execute-api" in json.dumps(origin["DomainName"])
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    # console pages (no file extension) are rewritten to index.html by a function
    assert config["DefaultCacheBehavior"]["FunctionAssociations"][0]["EventType"] == \
        "viewer-request"
    assert config["DefaultRootObject"] == "index.html"


def test_security_headers_and_a_csp_that_allows_only_the_api_and_the_issuer(assembly):
    policy = one(assembly.console, "AWS::CloudFront::ResponseHeadersPolicy")["Properties"][
        "ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = json.dumps(policy["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    connect = csp.split("connect-src")[1].split(";")[0]
    assert "execute-api" in connect          # the API
    assert "UserPool" in connect or "cognito" in connect  # the issuer (Cognito)
    assert "*" not in connect.replace("https://*", "")    # no wildcards
    assert policy["FrameOptions"]["FrameOption"] == "DENY"
    assert policy["StrictTransportSecurity"]["Override"] is True
    assert policy["ContentTypeOptions"]["Override"] is True


def test_config_file_is_written_at_deploy_and_the_url_is_an_output(assembly):
    deployment = one(assembly.console, "Custom::CDKBucketDeployment")["Properties"]
    markers = json.dumps(deployment.get("SourceMarkersConfig", deployment))
    assert len(deployment["SourceObjectKeys"]) == 2  # the console's files and config.json
    assert "ConsoleUrl" in assembly.console["Outputs"]
    assert "DistributionId" in json.dumps(deployment) or "distribution" in markers.lower() or \
        "DistributionId" in deployment


def test_cognito_has_a_hosted_login_and_the_console_callback(assembly):
    one(assembly.data, "AWS::Cognito::UserPoolDomain")
    client = one(assembly.data, "AWS::Cognito::UserPoolClient")["Properties"]
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["CallbackURLs"] == ["https://console.example.com/callback"]
    assert set(client["AllowedOAuthScopes"]) == {"openid", "email"}
