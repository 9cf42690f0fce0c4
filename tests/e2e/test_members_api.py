"""Members and invitations over HTTP, with the mail read back from SES."""
import pytest

from chalicelib import clock, models
from chalicelib.domain import members as member_rules
from tests.e2e.helpers import MEMBERS, ONE, add_namespace, invitation_token, make_member, sent_mail

ACCEPT = "/invitations/{token}/accept"


@pytest.fixture
def ns(user, cluster):
    add_namespace(user, cluster["cluster_id"], "team-a")
    return cluster["cluster_id"], "team-a"


def test_roles_lists_nine_rights(user):
    body = user.get("/roles").json()
    assert len(body["rights"]) == 9
    assert set(body["roles"]) == {"developer", "administrator"}


def test_invitation_accepted_by_a_fresh_account_works_once(stack, user, other_user, ns):
    cid, name = ns
    resp = user.post(MEMBERS, cluster_id=cid, namespace=name,
                     json={"email": other_user.email.upper(), "role": "developer"})
    assert resp.status_code == 201 and resp.json()["status"] == "pending"
    assert resp.json()["invitation"] == "sent"
    mail = sent_mail(stack, other_user.email)[-1]
    assert "team-a" in mail["subject"] and "Deploy" in mail["body"]
    token = invitation_token(stack, other_user.email)

    # the invitee has never called the API before: accepting is their first request
    resp = other_user.post(ACCEPT, token=token)
    assert resp.status_code == 200, resp.text
    assert resp.json()["namespace"] == "team-a" and resp.json()["role"] == "developer"
    clusters = other_user.get("/clusters").json()["items"]
    assert [c["cluster_id"] for c in clusters] == [cid]
    assert clusters[0]["my_role"] == "member"
    assert [n["name"] for n in clusters[0]["namespaces"]] == ["team-a"]
    assert "manage_environment" not in clusters[0]["namespaces"][0]["my_rights"]

    replay = other_user.post(ACCEPT, token=token)
    assert replay.status_code == 410 and replay.json()["error"] == "invitation_used"
    listed = user.get(MEMBERS, cluster_id=cid, namespace=name).json()["items"]
    assert [(m["email"], m["status"]) for m in listed] == [(other_user.email, "active")]


def test_another_account_cannot_accept(stack, user, other_user, mint, ns):
    from tests.apiclient import Api, unique_email

    cid, name = ns
    invitee = unique_email("invitee")
    user.post(MEMBERS, cluster_id=cid, namespace=name, json={"email": invitee, "role": "administrator"})
    resp = other_user.post(ACCEPT, token=invitation_token(stack, invitee))
    assert resp.status_code == 403 and resp.json()["error"] == "wrong_invitee"
    assert "***" in resp.json()["message"]  # the address is not leaked whole
    # the rightful invitee can still use it
    real = Api(stack.api_url, mint(invitee))
    assert real.post(ACCEPT, token=invitation_token(stack, invitee)).status_code == 200


def test_expired_invitation_is_410_and_the_sweep_marks_it(stack, user, other_user, ns):
    cid, name = ns
    user.post(MEMBERS, cluster_id=cid, namespace=name, json={"email": other_user.email, "role": "developer"})
    token = invitation_token(stack, other_user.email)
    past = "2001-01-01T00:00:00.000Z"
    models.Invitation(models.invite_pk(member_rules.token_hash(token)), models.INVITE_SK).update(
        actions=[models.Invitation.invite_expires_at.set(past)])
    resp = other_user.post(ACCEPT, token=token)
    assert resp.status_code == 410 and resp.json()["error"] == "invitation_expired"
    member_rules.expire(clock.now())
    listed = user.get(MEMBERS, cluster_id=cid, namespace=name).json()["items"]
    assert listed[0]["status"] in ("pending", "expired")  # the member item keeps its own date


def test_reinviting_refreshes_instead_of_duplicating(stack, user, other_user, ns):
    cid, name = ns
    body = {"email": other_user.email, "role": "developer"}
    assert user.post(MEMBERS, cluster_id=cid, namespace=name, json=body).json()["invitation"] == "sent"
    first = invitation_token(stack, other_user.email)
    again = user.post(MEMBERS, cluster_id=cid, namespace=name, json={**body, "role": "administrator"})
    assert again.status_code == 201 and again.json()["invitation"] == "refreshed"
    second = invitation_token(stack, other_user.email)
    assert first != second
    assert len(user.get(MEMBERS, cluster_id=cid, namespace=name).json()["items"]) == 1
    assert other_user.post(ACCEPT, token=first).status_code == 404  # replaced
    accepted = other_user.post(ACCEPT, token=second)
    assert accepted.status_code == 200 and accepted.json()["role"] == "administrator"


def test_invalid_invitations_are_422(user, ns):
    cid, name = ns
    for body in ({"email": "not-an-email", "role": "developer"},
                 {"email": "a@example.com", "role": "owner"},
                 {"email": "a@example.com", "role": "custom"},
                 {"email": "a@example.com", "role": "custom", "rights": ["fly"]},
                 {"email": "a@example.com", "role": "developer", "rights": ["view_logs"]}):
        resp = user.post(MEMBERS, cluster_id=cid, namespace=name, json=body)
        assert resp.status_code == 422, (body, resp.text)


def test_edit_and_remove_take_effect_on_the_next_request(stack, user, other_user, ns):
    cid, name = ns
    make_member(stack, user, other_user, cid, name, "custom", ["view_logs"])
    assert other_user.get(ONE, cluster_id=cid, namespace=name).json()["my_rights"] == ["view_logs"]
    resp = user.patch(MEMBERS + "/{email}", cluster_id=cid, namespace=name, email=other_user.email,
                      json={"role": "custom", "rights": ["view_logs", "view_metrics"]})
    assert resp.status_code == 200 and resp.json()["rights"] == ["view_logs", "view_metrics"]
    assert other_user.get(ONE, cluster_id=cid, namespace=name).json()["my_rights"] == [
        "view_logs", "view_metrics"]

    unconfirmed = user.delete(MEMBERS + "/{email}", cluster_id=cid, namespace=name,
                              email=other_user.email)
    assert unconfirmed.status_code == 400 and "confirm=true" in unconfirmed.json()["message"]
    resp = user.delete(MEMBERS + "/{email}", cluster_id=cid, namespace=name,
                       email=other_user.email, params={"confirm": "true"})
    assert resp.status_code == 204
    assert other_user.get(ONE, cluster_id=cid, namespace=name).status_code == 404
    assert other_user.get("/clusters").json()["items"] == []


def test_creator_cannot_be_removed_or_demoted(user, ns):
    cid, name = ns
    for method, extra in (("PATCH", {"json": {"role": "developer"}}),
                          ("DELETE", {"params": {"confirm": "true"}})):
        resp = user.request(method, MEMBERS + "/{email}", cluster_id=cid, namespace=name,
                            email=user.email, **extra)
        assert resp.status_code == 409 and resp.json()["error"] == "creator_is_permanent"
    resp = user.post(MEMBERS, cluster_id=cid, namespace=name, json={"email": user.email, "role": "developer"})
    assert resp.status_code == 409


def test_operate_urls(user, ns):
    cid, name = ns
    op = ONE + "/operate"
    assert user.get(op, cluster_id=cid, namespace=name).json()["metrics_url"] is None
    body = {"metrics_url": "https://grafana.example.com/d/1", "logs_url": "http://localhost:3000/logs"}
    resp = user.put(op, cluster_id=cid, namespace=name, json=body)
    assert resp.status_code == 200 and resp.json()["metrics_url"] == body["metrics_url"]
    assert resp.json()["updated_by"] == user.email
    for bad in ({"alerts_url": "http://alerts.example.com"}, {"alerts_url": "ftp://x"},
                {"alerts_url": "https://x.example.com/" + "a" * 2048}, {"alerts_url": "nope"},
                {"backups_url": 5}):
        assert user.put(op, cluster_id=cid, namespace=name, json=bad).status_code == 422, bad
    assert user.get(op, cluster_id=cid, namespace=name).json()["logs_url"] == body["logs_url"]


def test_activity_log_records_who_what_when_newest_first(stack, user, other_user, ns):
    cid, name = ns
    user.put(ONE + "/operate", cluster_id=cid, namespace=name, json={"metrics_url": "https://m.example.com"})
    make_member(stack, user, other_user, cid, name, "developer")
    entries = user.get("/clusters/{cluster_id}/activity", cluster_id=cid).json()["items"]
    actions = [e["action"] for e in entries]
    assert actions[:4] == ["accept_invitation", "invite_member", "put_operate", "create_namespace"]
    assert actions[-1] == "create_cluster"
    accepted = entries[0]
    assert accepted["actor"] == other_user.email and "***" in accepted["path"]
    assert all(e["at"] for e in entries)
    ns_entries = user.get(ONE + "/activity", cluster_id=cid, namespace=name).json()["items"]
    assert [e["action"] for e in ns_entries][:3] == ["accept_invitation", "invite_member", "put_operate"]
    # a developer sees their own acceptance and the links, not who was invited (issue 12 item 7)
    ns_entries = other_user.get(ONE + "/activity", cluster_id=cid, namespace=name).json()["items"]
    assert [e["action"] for e in ns_entries][:2] == ["accept_invitation", "put_operate"]
    assert other_user.get("/clusters/{cluster_id}/activity", cluster_id=cid).status_code == 403


def test_the_mail_links_to_the_console_page_and_names_the_api_call(stack, user, other_user, ns):
    """Issue 12 item 16: the link opens the web console's invitation page (where the
    invitee signs in and accepts); the API's POST …/accept stays for scripts."""
    cid, name = ns
    user.post(MEMBERS, cluster_id=cid, namespace=name,
              json={"email": other_user.email, "role": "developer"})
    token = invitation_token(stack, other_user.email)
    body = sent_mail(stack, other_user.email)[-1]["body"]
    console = stack.env().get("CONSOLE_URL") or "http://127.0.0.1:8080"
    assert f"{console}/invitations/{token}\n" in body
    assert f"POST {stack.api_url}/invitations/{token}/accept" in body
    assert other_user.post(ACCEPT, token=token).status_code == 200


@pytest.mark.parametrize("email", ["a,b@x.com", "a/b@x.com", "a?b@x.com", "a b@x.com",
                                   "a@b@x.com", "a@x..com", "a@-x.com", "a#b@x.com", "a@x_y.com"])
def test_addresses_mail_or_urls_would_choke_on_are_422_and_write_nothing(stack, user, ns, email):
    """Issue 12 item 12: what the schema accepts, SES accepts, and the member can be
    edited and removed at …/members/<email> afterwards."""
    cid, name = ns
    resp = user.post(MEMBERS, cluster_id=cid, namespace=name,
                     json={"email": email, "role": "developer"})
    assert resp.status_code == 422, resp.text
    assert "email" in resp.json()["message"]
    assert user.get(MEMBERS, cluster_id=cid, namespace=name).json()["items"] == []
    assert sent_mail(stack, email) == []


def test_a_mail_that_cannot_be_sent_writes_nothing(stack, user, ns, monkeypatch):
    """The mail goes first; when the mail service refuses it, no member or invitation
    is left behind (checked in-process against the same stand-in)."""
    from chalicelib import mail
    from chalicelib.domain.access import Principal
    from chalicelib.errors import ApiError

    cid, name = ns

    class Refused(Exception):
        response = {"Error": {"Code": "MessageRejected", "Message": "Address blacklisted."}}

    def refuse(*args, **kwargs):
        raise Refused()

    monkeypatch.setattr(mail, "_client_send", refuse)
    with pytest.raises(ApiError) as err:
        member_rules.invite(Principal(user.email, "x"), cid, name, email="bounce@example.com",
                            role="developer", rights=None, base_url=stack.api_url)
    assert err.value.status == 422 and "bounce@example.com" in err.value.message
    assert user.get(MEMBERS, cluster_id=cid, namespace=name).json()["items"] == []
