"""The web console in AWS: its files in a private S3 bucket behind CloudFront
(origin access control, HTTPS only, the security headers of
``console/security-headers.json``), the API under ``/api/*`` of the same
distribution (so the browser calls one origin and the API needs no CORS), and
``config.json`` written at deploy with the API path and the OpenID settings."""
import json
from pathlib import Path

from aws_cdk import Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.stacks.config import Config
from infra.stacks.nag import acknowledge

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
ROUTES_FUNCTION = ROOT / "infra" / "functions" / "console-routes.js"
API_PATH = "/api"  # chalice's api_gateway_stage: /api/* reaches the stage as is
POLL_SECONDS = 5


class ConsoleStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config, data, api,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        rest_api = api.chalice.get_resource("RestAPI")
        api_domain = f"{rest_api.ref}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}"
        oidc = self._oidc(config, data)

        logs = self._logs_bucket()
        bucket = s3.Bucket(
            self, "Files",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=False,
            removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=False,
        )
        acknowledge(bucket, "AwsSolutions-S1",
                    "Only the deployment writes these files and only CloudFront reads them; "
                    "every read is in the distribution's standard logs.")
        headers = self._headers(api_domain, oidc["connect"])
        routes = cloudfront.Function(
            self, "Routes", runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_file(file_path=str(ROUTES_FUNCTION)),
            comment="Console pages → index.html")
        distribution = cloudfront.Distribution(
            self, "Distribution",
            comment=f"Cluster Manager console ({config.stage})",
            default_root_object="index.html",
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True, log_bucket=logs, log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=[cloudfront.FunctionAssociation(
                    function=routes, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)],
            ),
            additional_behaviors={f"{API_PATH}/*": cloudfront.BehaviorOptions(
                origin=origins.HttpOrigin(
                    api_domain, protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                    origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2]),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                response_headers_policy=headers,
            )},
        )
        self.url = f"https://{distribution.distribution_domain_name}"
        settings = {"apiUrl": API_PATH, "pollSeconds": POLL_SECONDS,
                    "oidc": {k: v for k, v in oidc.items() if k != "connect"}}
        deployment = s3deploy.BucketDeployment(
            self, "Deploy",
            destination_bucket=bucket,
            sources=[s3deploy.Source.asset(str(CONSOLE), exclude=["security-headers.json"]),
                     s3deploy.Source.json_data("config.json", settings)],
            distribution=distribution, distribution_paths=["/*"],
            memory_limit=256, prune=True,
        )
        self.distribution, self.bucket, self.deployment = distribution, bucket, deployment
        CfnOutput(self, "ConsoleUrl", value=self.url,
                  description="The web console (deploy again with -c console_url=<this URL> so "
                              "that sign-in returns here and invitation mails link here)")
        self._acknowledge(logs, distribution)

    # --- pieces ---------------------------------------------------------------------
    @staticmethod
    def _oidc(config: Config, data) -> dict:
        """The console's OpenID settings, and the origins its CSP must allow."""
        if config.external_oidc:
            issuer = config.oidc_issuer.rstrip("/")
            return {"issuer": issuer, "clientId": config.oidc_audience,
                    "scope": "openid email", "connect": [issuer]}
        issuer = data.user_pool.user_pool_provider_url
        hosted = data.user_pool_domain.base_url()
        return {"issuer": issuer, "clientId": data.user_pool_client.user_pool_client_id,
                "scope": "openid email", "logoutUrl": f"{hosted}/logout",
                "connect": [issuer, hosted]}

    def _headers(self, api_domain: str, issuer_urls: list) -> cloudfront.ResponseHeadersPolicy:
        template = json.loads((CONSOLE / "security-headers.json").read_text())
        issuers = " ".join(_origin(u) for u in issuer_urls)
        csp = (template["Content-Security-Policy"].replace("{api}", f"https://{api_domain}")
               .replace("{issuer}", issuers))
        frame = {"DENY": cloudfront.HeadersFrameOption.DENY}[template["X-Frame-Options"]]
        referrer = {"no-referrer": cloudfront.HeadersReferrerPolicy.NO_REFERRER}[
            template["Referrer-Policy"]]
        hsts_age = int(template["Strict-Transport-Security"].split("max-age=")[1].split(";")[0])
        return cloudfront.ResponseHeadersPolicy(
            self, "SecurityHeaders",
            comment="Cluster Manager console: CSP (API and issuer only) and security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=frame,
                                                                    override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=referrer, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(hsts_age),
                    include_subdomains=True, override=True),
            ))

    def _logs_bucket(self) -> s3.Bucket:
        """The distribution's standard logs."""
        bucket = s3.Bucket(
            self, "Logs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # CloudFront's standard logging writes with ACLs
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(bucket, "AwsSolutions-S1",
                    "This is the access-log bucket itself; logging it into itself would loop "
                    "and a third bucket adds nothing.")
        return bucket

    def _acknowledge(self, logs, distribution) -> None:
        acknowledge(distribution, "AwsSolutions-CFR1",
                    "The console is for the team's cluster managers wherever they are; sign-in "
                    "is required for every API call, so no geographic restriction applies.")
        acknowledge(distribution, "AwsSolutions-CFR2",
                    "Static files and an API that authenticates every request and throttles in "
                    "API Gateway; a WAF web ACL (us-east-1, billed per rule) can be attached "
                    "when a deployment needs one.")
        acknowledge(distribution, "AwsSolutions-CFR4",
                    "With the default *.cloudfront.net certificate CloudFront fixes the viewer "
                    "TLS policy; TLSv1.2_2021 is set and applies with a custom domain.")
        # The CDK's BucketDeployment provider (a singleton function with its own role)
        provider = next(c for c in self.node.children
                        if c.node.id.startswith("Custom::CDKBucketDeployment"))
        acknowledge(provider, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                              "service-role/AWSLambdaBasicExecutionRole]",
                    "The CDK's BucketDeployment provider writes its own log stream with the "
                    "AWS-managed basic execution policy; it runs only during a deploy.")
        # the CDK both references the role and declares DependsOn on it (cfn-lint W3005)
        function = provider.node.default_child
        policy = provider.node.find_child("ServiceRole").node.find_child("DefaultPolicy")
        function.add_override("DependsOn", [self.get_logical_id(policy.node.default_child)])
        acknowledge(provider, "AwsSolutions-L1",
                    "The runtime of the CDK's BucketDeployment provider is chosen by the CDK "
                    "release pinned in requirements-infra.txt, not by this app.")
        copy = ("The CDK's BucketDeployment copies the console's files from the CDK asset "
                "bucket into the console bucket and invalidates the distribution; the CDK "
                "generates these object-level grants, scoped to those two buckets.")
        for finding in ("Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*",
                        "Action::s3:DeleteObject*", "Action::s3:Abort*",
                        "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-"
                        "<AWS::AccountId>-<AWS::Region>/*",
                        f"Resource::<{self.get_logical_id(self.bucket.node.default_child)}.Arn>/*",
                        "Resource::*"):
            acknowledge(provider, f"AwsSolutions-IAM5[{finding}]",
                        copy if finding != "Resource::*" else
                        "cloudfront:CreateInvalidation has no resource-level permission; the "
                        "provider invalidates the console's distribution after each deploy.")

def _origin(url: str) -> str:
    """``https://host`` of a URL that may be a CloudFormation token."""
    parts = Fn.split("/", url)
    return Fn.join("", [Fn.select(0, parts), "//", Fn.select(2, parts)])
