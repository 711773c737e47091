"""What changes invitations. Views check ``team.permissions`` first; every change is in
Wagtail's audit log (Reports → Site history): who invited whom, as what, and when it was
accepted or revoked."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from site_config import addresses
from team.models import Invitation, token_hash
from team.roles import ROLES

logger = logging.getLogger(__name__)


class NotPending(Exception):
    """Accepted, revoked or expired already."""


class AccountExists(Exception):
    """The address has an account: its owner signs in and accepts as themselves."""


@transaction.atomic
def invitation_create(*, email: str, role: str, language: str, by) -> tuple[Invitation, str]:
    """A new invitation and its token (for the e-mail only: never stored). An earlier
    invitation to the same address that still waits is revoked: one link works."""
    now = timezone.now()
    for earlier in Invitation.objects.select_for_update().filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        if addresses.same(earlier.email, email):
            _revoke(earlier, by, now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        language=language,
        token_hash=token_hash(token),
        invited_by=by,
        expires_at=now + timedelta(days=settings.TEAM_INVITATION_DAYS),
    )
    log(instance=invitation, action="team.invite", user=by, data={"email": email, "role": role})
    return invitation, token


def find(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("invited_by").filter(token_hash=token_hash(token)).first()
    )


@transaction.atomic
def invitation_revoke(invitation: Invitation, *, by) -> bool:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state != Invitation.State.PENDING:
        return False
    _revoke(locked, by, timezone.now())
    return True


def _revoke(invitation: Invitation, by, now) -> None:
    invitation.revoked_at, invitation.revoked_by = now, by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    log(
        instance=invitation,
        action="team.invitation_revoke",
        user=by,
        data={"email": invitation.email, "role": invitation.role},
    )


def existing_account(invitation: Invitation):
    """The account that already has the invited address (verified), if any."""
    from allauth.account.models import EmailAddress

    for row in EmailAddress.objects.filter(email__iexact=invitation.email).select_related("user"):
        if addresses.same(row.email, invitation.email):
            return row.user
    for user in get_user_model().objects.filter(email__iexact=invitation.email):
        if addresses.same(user.email, invitation.email):
            return user
    return None


@transaction.atomic
def invitation_accept(
    invitation: Invitation, *, user=None, display_name: str = "", password: str = "", request=None
):
    """Joins the team: a new account with this address and password (the link proved the
    address: no confirmation e-mail), or, for ``user`` (signed in, owning the address),
    the role added to their account. Returns the user."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    from forum import services as forum_services

    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state != Invitation.State.PENDING:
        raise NotPending(locked.state)
    owner = existing_account(locked)
    if user is None:
        if owner is not None:
            raise AccountExists
        user = get_user_model()(email=locked.email)
        get_adapter(request).populate_username(request, user)
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=locked.email, verified=True, primary=True)
    elif owner is None or owner.pk != user.pk:
        raise AccountExists
    role = ROLES[locked.role]
    user.groups.add(*Group.objects.filter(name__in=role.groups))
    if display_name:
        # After the groups: the team may use its role words in a name (forum's rule);
        # a name the forum refuses raises ValidationError, and nothing is kept.
        forum_services.profile_create(
            user=user, display_name=display_name, language=locked.language
        )
    locked.accepted_at, locked.accepted_by = timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    log(
        instance=locked,
        action="team.invitation_accept",
        user=user,
        data={"email": locked.email, "role": locked.role},
    )
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return user
