"""The stateful stack: what must survive a tear-down of everything else."""
from aws_cdk import Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra import definitions
from infra.stacks.config import Config
from infra.stacks.nag import acknowledge


def _key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.table = self._table()
        self.user_pool = self.user_pool_client = self.user_pool_domain = None
        if not config.external_oidc:
            self._cognito()

    def _table(self) -> dynamodb.Table:
        spec = definitions.TABLE
        table = dynamodb.Table(
            self, "Table",
            # A fixed name: the API stack grants on it without a cross-stack export
            # (the table is never replaced: deletion protection, retained on delete).
            table_name=self.config.table_name,
            partition_key=_key(spec["partition_key"]),
            sort_key=_key(spec["sort_key"]),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=spec["ttl_attribute"],
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in spec["indexes"]:
            table.add_global_secondary_index(
                index_name=index["name"],
                partition_key=_key(index["partition_key"]),
                sort_key=_key(index["sort_key"]),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        CfnOutput(self, "TableName", value=table.table_name)
        return table

    def _cognito(self) -> None:
        mfa_required = self.config.cognito_mfa == "required"
        pool = cognito.UserPool(
            self, "Users",
            self_sign_up_enabled=False,  # users are created by an administrator (README)
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            # a changed email takes effect only once verified; until then the
            # pool keeps the original (the API refuses unverified emails)
            keep_original=cognito.KeepOriginalAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)),
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_lowercase=True, require_uppercase=True,
                require_digits=True, require_symbols=True,
                temp_password_validity=Duration.days(3)),
            mfa=cognito.Mfa.REQUIRED if mfa_required else cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # The managed login pages the console signs in through (code + PKCE).
        self.user_pool_domain = pool.add_domain("Login", cognito_domain=cognito.CognitoDomainOptions(
            domain_prefix=f"{self.config.prefix}{Aws.ACCOUNT_ID}"))
        console = self.config.console_url.rstrip("/")
        oauth = {"o_auth": cognito.OAuthSettings(
            flows=cognito.OAuthFlows(authorization_code_grant=True),
            scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
            callback_urls=[f"{console}/callback"], logout_urls=[f"{console}/signed-out"]),
            "supported_identity_providers": [cognito.UserPoolClientIdentityProvider.COGNITO],
        } if console else {"disable_o_auth": True}  # known after the first deploy (README)
        client = pool.add_client(
            "ApiClient",
            generate_secret=False,  # a public client: the portal, the CLI
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            **oauth,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        self.user_pool, self.user_pool_client = pool, client
        CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)
        CfnOutput(self, "JwtIssuer", value=pool.user_pool_provider_url)
        if not mfa_required:
            acknowledge(
                pool, "AwsSolutions-COG2",
                "MFA was made optional on purpose with -c cognito_mfa=optional "
                "(the default, 'required', enforces TOTP).")
        acknowledge(
            pool, "AwsSolutions-COG8",
            "The Plus feature plan (threat protection) is billed per monthly active "
            "user; the control plane's users are a handful of administrators created "
            "by hand, with a 12-character password policy and TOTP MFA.")

    # --- what the API stack reads -------------------------------------------------
    def jwt_settings(self) -> dict:
        """JWT_ISSUER / JWT_AUDIENCE / JWT_JWKS_URL for the functions."""
        if self.config.external_oidc:
            return {"JWT_ISSUER": self.config.oidc_issuer,
                    "JWT_AUDIENCE": self.config.oidc_audience,
                    "JWT_JWKS_URL": self.config.jwks_url}
        issuer = self.user_pool.user_pool_provider_url
        return {"JWT_ISSUER": issuer,
                "JWT_AUDIENCE": self.user_pool_client.user_pool_client_id,
                "JWT_JWKS_URL": f"{issuer}/.well-known/jwks.json"}
