"""Routes: roles, members and invitations."""
from chalicelib.api import views
from chalicelib.api.routing import Routes
from chalicelib.domain import members
from chalicelib.domain import rights as R

routes = Routes(__name__, tag="members")

BASE = "/clusters/{cluster_id}/namespaces/{namespace}/members"


@routes.route("/roles", "GET", response="Roles",
              summary="The nine rights and the roles that bundle them")
def list_roles(call):
    return {
        "rights": [{"id": r, "description": R.DESCRIPTIONS[r]} for r in R.ALL],
        "roles": {name: list(fixed) for name, fixed in R.ROLES.items()},
        "custom": "role 'custom' takes any non-empty subset of the rights",
    }


@routes.route(BASE, "POST", status=201, request="MemberInvite", response="MemberInvited",
              summary="Invite someone by email (creator only); inviting again refreshes the "
                      "pending invitation")
def invite_member(call):
    body = call.body
    member, refreshed = members.invite(call.principal, call.params["cluster_id"],
                                       call.params["namespace"], email=body.email, role=body.role,
                                       rights=body.rights, base_url=call.base_url)
    call.activity = {"email": member.email, "role": member.role}
    return {**views.member(member), "invitation": "refreshed" if refreshed else "sent"}


@routes.route(BASE, "GET", response="MemberPage", paginated=True,
              summary="Members of a namespace, pending and active (creator only)")
def list_members(call):
    _, items, next_token = members.list_page(call.principal, call.params["cluster_id"],
                                             call.params["namespace"], call.limit, call.next_token)
    return views.page([views.member(m) for m in items], next_token)


@routes.route(BASE + "/{email}", "PATCH", request="MemberUpdate", response="Member",
              summary="Change a member's role or rights (creator only)")
def update_member(call):
    member = members.update(call.principal, call.params["cluster_id"], call.params["namespace"],
                            call.params["email"], role=call.body.role, rights=call.body.rights)
    return views.member(member)


@routes.route(BASE + "/{email}", "DELETE", status=204, query=("confirm",),
              summary="Remove a member (creator only); needs ?confirm=true")
def remove_member(call):
    members.remove(call.principal, call.params["cluster_id"], call.params["namespace"],
                   call.params["email"], confirm=call.confirmed)
    return None


@routes.route("/invitations/{token}/accept", "POST", response="InvitationAccepted",
              errors=(403, 410),
              summary="Accept an invitation as the signed-in user it was sent to")
def accept_invitation(call):
    member = members.accept(call.principal, call.params["token"])
    call.activity = {"cluster_id": member.cluster_id, "namespace": member.namespace,
                     "namespace_id": member.namespace_id}
    return {"cluster_id": member.cluster_id, "namespace": member.namespace, "role": member.role,
            "rights": views.member(member)["rights"],
            "message": f"You are now a member of namespace {member.namespace!r}; it appears in "
                       "GET /clusters."}
