"""Shared steps for end-to-end tests."""
import json
import re
import urllib.request

NS = "/clusters/{cluster_id}/namespaces"
ONE = NS + "/{namespace}"
MEMBERS = ONE + "/members"


def sent_mail(stack, to: str) -> list[dict]:
    url = f"{stack.aws_url}/moto-api/data.json?service=ses&model=Message"
    data = json.load(urllib.request.urlopen(url, timeout=60))
    return [m for m in data.get("ses", {}).get("Message", [])
            if to in m.get("destinations", {}).get("ToAddresses", [])]


def invitation_token(stack, to: str) -> str:
    """The token from the newest invitation mail to ``to``."""
    body = sent_mail(stack, to)[-1]["body"]
    return re.search(r"/invitations/([A-Za-z0-9_-]+)", body).group(1)


def add_namespace(api, cluster_id, name, installation_type="connected") -> dict:
    resp = api.post(NS, cluster_id=cluster_id, json={"name": name,
                                                     "installation_type": installation_type})
    assert resp.status_code == 201, resp.text
    return resp.json()


def make_member(stack, creator, member, cluster_id, namespace, role, rights=None) -> None:
    body = {"email": member.email, "role": role, **({"rights": rights} if rights else {})}
    resp = creator.post(MEMBERS, cluster_id=cluster_id, namespace=namespace, json=body)
    assert resp.status_code == 201, resp.text
    token = invitation_token(stack, member.email)
    resp = member.post("/invitations/{token}/accept", token=token)
    assert resp.status_code == 200, resp.text
