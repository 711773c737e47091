"""Inviting colleagues from the Wagtail admin (Invite a colleague): the form, and the
invitations with their state, to send again or revoke. Permission: ``team.permissions``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from team import emails, permissions, services
from team.forms import InviteForm
from team.models import Invitation

LISTED = 100


class InvitationsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "team/admin/invitations.html"
    page_title = gettext_lazy("Invite a colleague")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_invite(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get_context_data(self, form=None, **kwargs):
        from django.utils.translation import get_language

        context = super().get_context_data(**kwargs)
        language = get_language()[:2]
        context.update(
            form=form or InviteForm(initial={"role": "editor", "language": language}),
            invitations=list(
                Invitation.objects.select_related("invited_by", "accepted_by")[:LISTED]
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        action, pk = request.POST.get("action", "invite"), request.POST.get("invitation", "")
        if action in ("revoke", "again"):
            found = get_object_or_404(Invitation, pk=int(pk) if pk.isdigit() else 0)
            if action == "revoke":
                if services.invitation_revoke(found, by=request.user):
                    messages.success(
                        request,
                        _("The invitation to %(email)s no longer works.") % {"email": found.email},
                    )
                return redirect("team_invitations")
            form = InviteForm(
                {"email": found.email, "role": found.role, "language": found.language}
            )
        else:
            form = InviteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=200)
        data = form.cleaned_data
        with transaction.atomic():
            invitation, token = services.invitation_create(
                email=data["email"], role=data["role"], language=data["language"], by=request.user
            )
        if emails.send_invitation(invitation, token):
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works for %(days)d days.")
                % {"email": invitation.email, "days": _days()},
            )
        else:
            messages.error(
                request,
                _(
                    "The invitation to %(email)s could not be sent: the mail "
                    "server did not take it. Try “Send again” later."
                )
                % {"email": invitation.email},
            )
        return redirect("team_invitations")


def _days() -> int:
    from django.conf import settings

    return settings.TEAM_INVITATION_DAYS
