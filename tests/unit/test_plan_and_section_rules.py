"""The plan and section rules without HTTP: the generic checker
(chalicelib.domain.forms.check), plans.check and configuration.check_section
with the messages the API returns."""
from types import SimpleNamespace

import pytest

from chalicelib.catalogue import CATALOGUE
from chalicelib.domain import configuration, forms, plans
from chalicelib.errors import Unprocessable

OPENSHIFT = SimpleNamespace(type="openshift", platform=None)
EKS = SimpleNamespace(type="kubernetes", platform="eks")
KUBERNETES = SimpleNamespace(type="kubernetes", platform=None)
POSTGRES = {"name": "pg", "kind": "database", "type": "postgres", "host": "db.example.com",
            "port": 5432, "database": "app", "user": "app", "password": "pw"}


def problem(call, *args) -> Unprocessable:
    with pytest.raises(Unprocessable) as caught:
        call(*args)
    return caught.value


# --- plans ---------------------------------------------------------------------------

def test_a_postgres_plan_splits_into_settings_and_secrets():
    settings, secrets = plans.check(POSTGRES)
    assert secrets == {"password": "pw"}
    assert settings["host"] == "db.example.com" and settings["port"] == 5432
    assert "password" not in settings


def test_an_ephemeral_plan_needs_nothing_but_its_name():
    assert plans.check({"name": "eph", "kind": "database", "type": "ephemeral"}) == ({}, {})


@pytest.mark.parametrize("body, words", [
    ({"kind": "database", "type": "ephemeral"}, "'name' is required"),
    ({"name": "Bad_Name", "kind": "database", "type": "ephemeral"}, "DNS-1123"),
    ({"name": "x", "kind": "queue", "type": "ephemeral"}, "'kind' must be 'database' or"),
    ({"name": "x", "kind": "database", "type": "minio"}, "one of postgres"),
    ({"name": "x", "kind": "database", "type": "postgres", "host": "h"}, "needs port"),
    ({"name": "x", "kind": "storage", "type": "s3", "region": "eu-west-1", "access_key": "a"},
     "secret_key"),
    ({"name": "x", "kind": "database", "type": "ephemeral", "host": "h"}, "takes no host"),
    ({**POSTGRES, "port": 70000}, "'port'"),
    ({**POSTGRES, "port": True}, "'port'"),
    ({**POSTGRES, "host": "db example.com"}, "host"),
])
def test_invalid_plans_name_the_rule(body, words):
    error = problem(plans.check, body)
    assert error.code == "invalid_plan" and words in error.message, error.message
    assert error.message.startswith("The plan is not valid: ")


def test_every_problem_of_a_plan_is_named_at_once():
    error = problem(plans.check, {"name": "x", "kind": "database", "type": "postgres",
                                  "port": 0})
    for field in ("host", "database", "user", "password"):
        assert field in error.message
    assert "'port'" in error.message


# --- sections ----------------------------------------------------------------------------

def test_an_openshift_route_on_openshift():
    settings, secrets = configuration.check_section("ingress", OPENSHIFT,
                                                    {"type": "openshift_route", "tls": True})
    assert settings["type"] == "openshift_route" and settings["tls"] is True and secrets == {}


def test_cluster_rules_name_the_cluster_they_need():
    error = problem(configuration.check_section, "ingress", KUBERNETES,
                    {"type": "openshift_route"})
    assert error.code == "invalid_ingress" and "only on OpenShift" in error.message
    error = problem(configuration.check_section, "registry", KUBERNETES, {"type": "ecr"})
    assert "EKS" in error.message


def test_an_ingress_needs_its_domain():
    error = problem(configuration.check_section, "ingress", KUBERNETES, {"type": "ingress"})
    assert "domain" in error.message


def test_an_unknown_discriminator_lists_the_choices():
    error = problem(configuration.check_section, "ingress", KUBERNETES, {"type": "nginx"})
    assert "'type' must be one of" in error.message and "'openshift_route'" in error.message
    error = problem(configuration.check_section, "proxy", KUBERNETES, {"enabled": "yes"})
    assert "'enabled' must be one of true, false" in error.message


def test_a_registry_is_pushed_where_it_is_pulled_from_unless_told_otherwise():
    body = {"type": "generic", "pull_url": "registry.example.com/team"}
    settings, _ = configuration.check_section("registry", EKS, body)
    assert settings["push_url"] == "registry.example.com/team"
    settings, _ = configuration.check_section("registry", EKS,
                                              {**body, "push_url": "push.example.com"})
    assert settings["push_url"] == "push.example.com"


def test_a_proxy_user_and_password_go_together_and_the_host_is_lower_cased():
    base = {"enabled": True, "host": "Proxy.Example.com", "port": 3128}
    error = problem(configuration.check_section, "proxy", KUBERNETES, {**base, "user": "u"})
    assert "'user' and 'password' go together" in error.message
    settings, secrets = configuration.check_section("proxy", KUBERNETES,
                                                    {**base, "user": "u", "password": "p"})
    assert settings["host"] == "proxy.example.com" and secrets == {"password": "p"}


def test_a_disabled_proxy_takes_no_settings():
    settings, secrets = configuration.check_section("proxy", KUBERNETES, {"enabled": False})
    assert settings == {"enabled": False} and secrets == {}
    error = problem(configuration.check_section, "proxy", KUBERNETES,
                    {"enabled": False, "host": "proxy.example.com"})
    assert "with enabled false, leave out host" in error.message


# --- the generic checker ----------------------------------------------------------------

def test_forms_check_applies_defaults_and_reports_without_raising():
    group = CATALOGUE.plan_kind("storage")
    body = {"endpoint": "https://minio.example.com", "access_key": "AK", "secret_key": "SK"}
    settings, secrets, problems = forms.check(group, group.variant("minio"), body, None,
                                              subject="a minio plan",
                                              others=CATALOGUE.plan_fields())
    assert problems == [] and secrets == {"secret_key": "SK"}
    assert settings["prevent_data_deletion"] is False  # the catalogue's default
    _, _, problems = forms.check(group, group.variant("minio"), {**body, "host": "h"}, None,
                                 subject="a minio plan", others=CATALOGUE.plan_fields())
    assert problems == ["a minio plan takes no host"]


def test_forms_mask_hides_secret_fields_that_hold_a_value():
    variant = CATALOGUE.plan_kind("database").variant("postgres")
    assert forms.mask(variant, {"host": "h"}, True)["password"] == "***"
    assert "password" not in forms.mask(variant, {"host": "h"}, False)
    assert forms.mask(None, {"host": "h"}, True) == {"host": "h"}
