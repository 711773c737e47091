"""The invitation link: ``/accounts/invitation/<token>/``, in the invitation's language.
A new colleague sets a name and password and lands where their role starts; one who has an
account with the address signs in and accepts as themselves."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from site_config import ratelimit
from team import services
from team.forms import AcceptForm
from team.models import Invitation

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
# Guesses at the link from one address: (count, seconds). A token has 256 bits; this only
# keeps a scanner from filling the logs.
LIMITS = ((30, 3600),)


@never_cache
def accept(request, token: str):
    for limit, period in LIMITS:
        if not ratelimit.hit(
            "invitation", ratelimit.client_ip(request), limit=limit, period=period
        ):
            raise Http404
    invitation = services.find(token)
    if invitation is None:
        raise Http404
    with translation.override(invitation.language):
        response = _accept(request, invitation)
        if hasattr(response, "render"):
            response.render()  # here, in the invitation's language (it renders lazily)
    response["Referrer-Policy"] = "same-origin"  # the address is the key
    response["X-Robots-Tag"] = "noindex"
    return response


def _accept(request, invitation: Invitation):
    context = {"invitation": invitation, "role": invitation.role_info}
    if invitation.state != Invitation.State.PENDING:
        return TemplateResponse(request, "team/invitation_closed.html", context, status=410)
    owner = services.existing_account(invitation)
    if owner is not None:
        # The address has an account: its owner accepts while signed in as it.
        if request.user.is_authenticated and request.user.pk == owner.pk:
            if request.method == "POST":
                services.invitation_accept(invitation, user=request.user, request=request)
                messages.success(request, _("Welcome to the team."))
                return redirect(invitation.role_info.landing(invitation.language))
            return TemplateResponse(request, "team/invitation_existing.html", context)
        context["sign_in"] = True
        return TemplateResponse(request, "team/invitation_existing.html", context)
    form = AcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except ValidationError as exc:  # the forum refused the name
            form.add_error("display_name", exc)
        except services.NotPending:
            return TemplateResponse(request, "team/invitation_closed.html", context, status=410)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome to the team."))
            return redirect(invitation.role_info.landing(invitation.language))
    context["form"] = form
    return TemplateResponse(request, "team/invitation.html", context)
