"""Namespace members and invitations (seed §4.3, without its invite bug).

An invitation is a single-use link bound to the invited email: the token is
random, only its hash is stored, it expires (7 days by default) and accepting
it needs nothing but a signed-in user with that email — no earlier visit to
the portal.  Inviting again refreshes the pending invitation instead of
adding a second one.  A member's rights live on their Member item (for
listing) and in their ClusterAccess item (for authorization); both change in
one transaction, so removing a member takes effect on their next request.
"""
import hashlib
import secrets
from datetime import timedelta

from chalicelib import clock, db, mail, models, pagination, settings
from chalicelib.domain import rights as R
from chalicelib.domain.access import CREATOR, MANAGE, MANAGER, MEMBER, Principal, authorize
from chalicelib.errors import BadRequest, Conflict, Forbidden, Gone, NotFound, Unprocessable

PENDING, ACTIVE, EXPIRED = "pending", "active", "expired"
DUE = "invite"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _rights_or_422(role: str, rights):
    try:
        return R.rights_for(role, rights)
    except ValueError as exc:
        raise Unprocessable(f"{exc}.", code="invalid_rights") from None


def _member(namespace, email):
    return db.get_or_none(models.Member, models.namespace_pk(namespace.namespace_id),
                          models.member_sk(email))


def _access(email, cluster_id):
    return db.get_or_none(models.ClusterAccess, models.user_pk(email),
                          f"{models.ACCESS_PREFIX}{cluster_id}")


def _with_membership(email, cluster_id, namespace_id, rights):
    """The user's access item with one namespace's rights set (or removed when
    ``rights`` is None); None when nothing is left to grant."""
    access = _access(email, cluster_id) or models.ClusterAccess(
        models.user_pk(email), f"{models.ACCESS_PREFIX}{cluster_id}", cluster_id=cluster_id,
        role=MEMBER, created_at=clock.now_iso())
    held = dict(access.memberships or {})
    if rights is None:
        held.pop(namespace_id, None)
    else:
        held[namespace_id] = rights
    access.memberships = held
    return access, (bool(held) or access.role in (CREATOR, MANAGER))


# --- invite -------------------------------------------------------------------

def invite(principal: Principal, cluster_id: str, name: str, *, email: str, role: str,
           rights, base_url: str):
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    namespace = grant.target
    email = email.strip().lower()
    granted = _rights_or_422(role, rights)
    if email == grant.cluster.creator:
        raise Conflict(f"{email} created this cluster and already holds every right.",
                       code="already_creator")
    existing = _member(namespace, email)
    if existing is not None and existing.status == ACTIVE:
        raise Conflict(f"{email} is already a member of {name!r}; change their rights with "
                       f"PATCH …/members/{email}.", code="already_member")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + timedelta(days=settings.invitation_days())
    invitation = models.Invitation(
        models.invite_pk(token_hash(token)), models.INVITE_SK, email=email,
        cluster_id=cluster_id, namespace_id=namespace.namespace_id, namespace=name, role=role,
        rights=granted, invited_by=principal.email, created_at=clock.iso(now),
        invite_expires_at=clock.iso(expires), expires_at=int(expires.timestamp()) + 30 * 86400)
    member = existing or models.Member(
        models.namespace_pk(namespace.namespace_id), models.member_sk(email), email=email,
        cluster_id=cluster_id, namespace_id=namespace.namespace_id, namespace=name,
        created_at=clock.iso(now))
    old_hash = member.invite_hash
    member.role, member.rights, member.status = role, granted, PENDING
    member.invited_by, member.invite_hash = principal.email, token_hash(token)
    member.invite_expires_at, member.updated_at = clock.iso(expires), clock.iso(now)
    member.gsi2pk, member.gsi2sk = models.due_pk(DUE, 0), clock.iso(expires)
    # The mail goes first: an address the mail service refuses leaves nothing
    # behind.  (A link mailed for a write that then loses a race answers "no
    # such invitation"; the caller got a 409 and invites again.)
    link = f"{settings.console_url()}/invitations/{token}"
    accept_url = f"{base_url.rstrip('/')}/invitations/{token}/accept"
    try:
        mail.send(email, f"You are invited to namespace {name} of cluster {grant.cluster.name}",
                  _invitation_text(principal.email, grant.cluster.name, name, role, granted,
                                   link, accept_url, expires))
    except mail.Refused as exc:
        raise Unprocessable(f"The mail service refused the address {email} ({exc}); check the "
                            "address and invite again.", code="email_refused") from None
    with db.conditional() as write, db.transaction() as tx:
        # the namespace must still be there (not being deleted meanwhile)
        tx.condition_check(models.Namespace, namespace.pk, namespace.sk,
                           condition=(models.Namespace.namespace_id == namespace.namespace_id)
                           & models.Namespace.deleting.does_not_exist())
        tx.save(invitation, condition=models.Item.pk.does_not_exist())
        tx.save(member)  # version-checked: a concurrent invite/accept loses cleanly
        if old_hash:  # re-invite: the previous link stops working
            tx.delete(models.Invitation(models.invite_pk(old_hash), models.INVITE_SK))
    if not write.held:
        authorize(principal, cluster_id, need=MANAGE, namespace=name)  # 404 if it went
        raise db.concurrent_change(f"The membership of {email}")
    return member, existing is not None


def _invitation_text(inviter, cluster, name, role, granted, link, accept_url, expires) -> str:
    listed = "\n".join(f"  - {R.DESCRIPTIONS[r]}" for r in granted)
    return (f"{inviter} invited you to namespace '{name}' of cluster '{cluster}' "
            f"as {role}, with these rights:\n{listed}\n\n"
            f"To accept, sign in with this email address and open:\n  {link}\n"
            f"(API: POST {accept_url} with your bearer token.)\n\n"
            f"The link works once and expires on {clock.iso(expires)}.\n")


# --- accept -----------------------------------------------------------------------

def lookup_invitation(token: str) -> models.Invitation:
    if not token or len(token) > 200:
        raise NotFound("No such invitation; check the link in your email.",
                       code="invitation_not_found")
    invitation = db.get_or_none(models.Invitation, models.invite_pk(token_hash(token)),
                                models.INVITE_SK)
    if invitation is None:
        raise NotFound("No such invitation; it may have been replaced by a newer one — "
                       "use the link in the latest email.", code="invitation_not_found")
    return invitation


def _mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def accept(principal: Principal, token: str):
    invitation = lookup_invitation(token)
    now = clock.now()
    if invitation.used_at:
        raise Gone("This invitation has already been used; each link works once. Ask the "
                   "cluster's creator for a new invitation if you need one.",
                   code="invitation_used")
    if clock.parse_iso(invitation.invite_expires_at) <= now:
        raise Gone(f"This invitation expired on {invitation.invite_expires_at}; ask the "
                   "cluster's creator to invite you again.", code="invitation_expired")
    if principal.email != invitation.email:
        raise Forbidden(f"This invitation was sent to {_mask(invitation.email)}; sign in with "
                        "that email address to accept it.", code="wrong_invitee")
    rights = invitation.rights

    def attempt():
        member = db.get_or_none(models.Member, models.namespace_pk(invitation.namespace_id),
                                models.member_sk(invitation.email))
        if member is None:
            raise Gone("This invitation was withdrawn.", code="invitation_withdrawn")
        access, _ = _with_membership(invitation.email, invitation.cluster_id,
                                     invitation.namespace_id, rights)
        member.status, member.accepted_at, member.updated_at = ACTIVE, clock.iso(now), clock.iso(now)
        member.gsi2pk = member.gsi2sk = None
        with db.transaction() as tx:
            tx.update(invitation,
                      actions=[models.Invitation.used_at.set(clock.iso(now)),
                               models.Invitation.used_by.set(principal.email)],
                      condition=models.Invitation.used_at.does_not_exist())
            tx.save(member, condition=models.Member.invite_hash == invitation.pk.split("#", 1)[1])
            tx.save(access)
        return member

    try:
        return db.retry(attempt, "The invitation")
    except Conflict:
        fresh = lookup_invitation(token)
        if fresh.used_at:
            raise Gone("This invitation has already been used.", code="invitation_used") from None
        raise


# --- list, edit, remove ----------------------------------------------------------------

def list_page(principal: Principal, cluster_id: str, name: str, limit: int, next_token):
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    pk = models.namespace_pk(grant.target.namespace_id)
    start = pagination.decode(next_token, pk=pk)
    items, last_key = db.page(pk, models.MEMBER_PREFIX, limit, start)
    return grant, items, pagination.encode(last_key)


def _target_member(principal, cluster_id, name, email):
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    email = email.strip().lower()
    if email == grant.cluster.creator:
        raise Conflict(f"{email} created this cluster; the creator cannot be removed or "
                       "demoted.", code="creator_is_permanent")
    member = _member(grant.target, email)
    if member is None:
        raise NotFound(f"{email} is not a member of namespace {name!r} and has no pending "
                       "invitation.", code="member_not_found")
    return grant, member


def update(principal: Principal, cluster_id: str, name: str, email: str, *, role, rights):
    grant, member = _target_member(principal, cluster_id, name, email)
    granted = _rights_or_422(role, rights)

    def attempt():
        current = _member(grant.target, member.email)
        if current is None:
            raise NotFound(f"{member.email} was removed meanwhile.", code="member_not_found")
        current.role, current.rights = role, granted
        current.updated_at = clock.now_iso()
        with db.transaction() as tx:
            tx.save(current)
            if current.status == ACTIVE:
                access, _ = _with_membership(current.email, cluster_id,
                                             grant.target.namespace_id, granted)
                tx.save(access)
            elif current.invite_hash:  # the pending invitation grants the new rights
                tx.update(models.Invitation(models.invite_pk(current.invite_hash), models.INVITE_SK),
                          actions=[models.Invitation.role.set(role),
                                   models.Invitation.rights.set(granted)],
                          condition=models.Invitation.used_at.does_not_exist())
        return current

    return db.retry(attempt, f"The membership of {member.email}")


def remove(principal: Principal, cluster_id: str, name: str, email: str, confirm: bool):
    if not confirm:
        raise BadRequest(f"Removing {email} from namespace {name!r} cannot be undone; repeat the "
                         "request with ?confirm=true to remove them.", code="confirmation_required")
    _, member = _target_member(principal, cluster_id, name, email)
    withdraw(member)


def withdraw(member: models.Member) -> None:
    """Take a member out: their access, the Member item, any open invitation."""
    def attempt():
        access, keep = _with_membership(member.email, member.cluster_id, member.namespace_id, None)
        with db.transaction() as tx:
            tx.delete(member, add_version_condition=False)
            if member.invite_hash:
                tx.delete(models.Invitation(models.invite_pk(member.invite_hash), models.INVITE_SK))
            if access.version is not None:  # the user had accepted: change their access
                if keep:
                    tx.save(access)
                else:
                    tx.delete(access)

    db.retry(attempt, f"The membership of {member.email}")


def expire(now) -> dict:
    """Sweep: pending invitations past their expiry show as expired."""
    M = models.Member
    return db.sweep_overdue(
        DUE, clock.iso(now),
        lambda item: db.update_fields(M, item.pk, item.sk,
                                      [M.status.set(EXPIRED), M.gsi2pk.remove(), M.gsi2sk.remove()],
                                      condition=M.status == PENDING),
        label="expired")

