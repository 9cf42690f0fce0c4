"""The one checker (chalicelib.domain.forms) on the real catalogue, without
HTTP: what it accepts, what it says about what it does not, and how it splits
and masks secrets."""
from types import SimpleNamespace

import pytest

from chalicelib.catalogue import CATALOGUE
from chalicelib.domain import forms

K8S = SimpleNamespace(type="kubernetes", platform=None)
EKS = SimpleNamespace(type="kubernetes", platform="eks")
OPENSHIFT = SimpleNamespace(type="openshift", platform=None)
DATABASE, STORAGE = CATALOGUE.plan_kind("database"), CATALOGUE.plan_kind("storage")
INGRESS, REGISTRY, PROXY = (CATALOGUE.section(n) for n in ("ingress", "registry", "proxy"))


def plan(group, type_, body, cluster=None):
    return forms.check(group, group.variant(type_), {"type": type_, **body}, cluster,
                       subject=f"a {type_} plan", others=CATALOGUE.plan_fields())


def section(group, value, body, cluster=K8S):
    return forms.check(group, group.variant(value), {group.discriminator: value, **body}, cluster,
                       subject=f"type {value!r}", others=group.all_fields())


def test_a_whole_postgres_plan_splits_into_settings_and_secrets():
    settings, secrets, problems = plan(DATABASE, "postgres", {
        "host": "db.example.com", "port": 6543, "database": "apps", "user": "mx",
        "password": "pw"})
    assert problems == []
    assert settings == {"host": "db.example.com", "port": 6543, "database": "apps", "user": "mx"}
    assert secrets == {"password": "pw"}


def test_defaults_fill_what_is_left_out():
    _, _, problems = plan(DATABASE, "postgres", {
        "host": "db", "database": "apps", "user": "mx", "password": "pw"})
    assert problems == ["a postgres plan needs port"]  # its default is only offered, not taken
    settings, _, problems = plan(STORAGE, "minio", {
        "endpoint": "https://minio.example.com", "access_key": "a", "secret_key": "s"})
    assert problems == [] and settings["prevent_data_deletion"] is False


def test_missing_stray_and_malformed_fields_are_each_named():
    _, _, problems = plan(DATABASE, "postgres", {"host": "db example", "port": 70000,
                                                 "region": "eu-west-1"})
    assert problems[0] == "a postgres plan needs database, user, password"
    assert problems[1] == "a postgres plan takes no region"
    assert problems[2].startswith("'host' 'db example' must be a DNS name or an IP address")
    assert problems[3] == "'port' must be a number from 1 to 65535 (PostgreSQL's default is 5432)"


@pytest.mark.parametrize("value, word", [
    ("5432", "number"), (True, "number"), (0, "number")])
def test_integers_are_whole_numbers_in_range(value, word):
    _, _, problems = plan(DATABASE, "postgres", {"host": "db", "port": value, "database": "d",
                                                 "user": "u", "password": "p"})
    assert len(problems) == 1 and word in problems[0]


def test_types_lengths_and_booleans():
    _, _, problems = plan(STORAGE, "s3", {"region": "eu-west-1", "access_key": 7,
                                          "secret_key": "x" * 1025,
                                          "prevent_data_deletion": "yes"})
    assert problems == ["'access_key' must be text",
                        "'secret_key' is 1025 characters long; at most 1024 are allowed",
                        "'prevent_data_deletion' must be true or false"]


def test_a_missing_field_with_a_hint_says_what_it_is():
    _, _, problems = section(INGRESS, "ingress", {"tls": True})
    assert problems == ["type 'ingress' needs 'domain' (the DNS name your apps get subdomains of "
                        "(e.g. 'apps.example.com'))"]


def test_what_a_variant_requires_of_the_cluster():
    route = INGRESS.variant("openshift_route")
    assert forms.requires_problem(route, OPENSHIFT) is None
    assert forms.requires_problem(route, K8S) == (
        "type 'openshift_route' works only on OpenShift clusters; this cluster is 'kubernetes', "
        "so use type 'ingress' with a domain")
    ecr = REGISTRY.variant("ecr")
    assert forms.requires_problem(ecr, EKS) is None
    assert "works only on clusters running on AWS EKS" in forms.requires_problem(ecr, K8S)
    _, _, problems = section(REGISTRY, "openshift4", {}, K8S)
    assert problems == [
        "type 'openshift4' (an OpenShift registry) works only on OpenShift clusters"]
    _, _, problems = section(REGISTRY, "openshift4", {}, None)  # no cluster: not checked
    assert problems == []


def test_stray_fields_of_a_variant_with_its_own_message():
    _, _, problems = section(REGISTRY, "generic", {"pull_url": "r.example.com/a", "name": "robot",
                                                   "secret": "s"})
    assert problems == ["type 'generic' is a registry without authentication; drop 'name' and "
                        "'secret' or use type 'generic_auth'"]
    _, _, problems = forms.check(PROXY, PROXY.variant(False), {"enabled": False, "host": "p"},
                                 K8S, subject="with enabled false", others=PROXY.all_fields())
    assert problems == ["with enabled false, leave out host"]


def test_an_empty_field_takes_the_value_of_the_one_it_defaults_from():
    settings, _, problems = section(REGISTRY, "generic", {"pull_url": "r.example.com/a"})
    assert problems == [] and settings["push_url"] == "r.example.com/a"
    settings, _, _ = section(REGISTRY, "generic", {"pull_url": "r.example.com/a",
                                                   "push_url": "push.example.com/a"})
    assert settings["push_url"] == "push.example.com/a"


@pytest.mark.parametrize("body, ok", [
    ({}, True), ({"user": "u", "password": "p"}, True),
    ({"user": "u"}, False), ({"password": "p"}, False), ({"user": "", "password": "p"}, False)])
def test_fields_that_go_together(body, ok):
    _, secrets, problems = forms.check(PROXY, PROXY.variant(True),
                                       {"enabled": True, "host": "proxy", "port": 3128, **body},
                                       K8S, subject="with enabled true", others=PROXY.all_fields())
    if ok:
        assert problems == [] and secrets == ({"password": "p"} if body else {})
    else:
        assert problems == ["'user' and 'password' go together: give both or neither"]


def test_mask_shows_stars_for_secrets_that_hold_a_value():
    variant = DATABASE.variant("postgres")
    settings = {"host": "db", "port": 5432}
    assert forms.mask(variant, settings, True) == {"host": "db", "port": 5432, "password": "***"}
    assert forms.mask(variant, settings, False) == settings
    assert forms.mask(None, settings, True) == settings


def test_shown_spells_values_as_json_would():
    assert forms.shown(True) == "true" and forms.shown("x") == "'x'" and forms.shown(3) == "3"
