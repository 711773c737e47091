from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from forum import permissions, selectors, services
from forum.forms import ProfileForm


@login_required
def profile_edit(request):
    profile = selectors.profile_for_user(request.user)
    if not permissions.can_edit_profile(request.user, profile):
        raise PermissionDenied
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            name = form.cleaned_data["display_name"]
            language = form.cleaned_data["language"]
            try:
                if profile.pk:
                    services.profile_update(profile=profile, display_name=name, language=language)
                else:
                    services.profile_create(user=request.user, display_name=name, language=language)
            except ValidationError as exc:
                form.add_error("display_name", exc)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("profile_edit")
    else:
        form = ProfileForm(
            initial={"display_name": profile.display_name, "language": profile.language}
        )
    return render(request, "forum/profile_edit.html", {"form": form, "profile": profile})
