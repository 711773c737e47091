"""A customer's personal data in the Wagtail admin (GDPR, KVKK): staff enter an address, see
the requests held about it, download them as JSON (access request) and erase them
(anonymised now, the same way as at the end of the retention period). Every export and
erasure is written to each request's history. The address travels only in POST bodies,
never in a URL (access logs, browser history). Permission: ``support.permissions``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from support import permissions, privacy
from support.models import Request


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Customer's e-mail address"),
        max_length=254,
        help_text=gettext_lazy(
            "Matched as written; only A to Z may differ in case (İ and ı are other letters "
            "than I and i)."
        ),
    )


class _Allowed:
    """Who may open the view: ``allowed(user)``, from ``support.permissions``."""

    allowed = staticmethod(permissions.can_manage_personal_data)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _Page(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Personal data")
    header_icon = "user"

    def get_breadcrumbs_items(self):
        return [{"url": reverse("support_privacy"), "label": _("Personal data")}]


@method_decorator(never_cache, name="dispatch")
class PersonalDataView(_Allowed, _Page):
    template_name = "support/admin/privacy.html"

    def get(self, request, *args, **kwargs):
        # From a request in the inbox: its customer, by the request's id (no address in URLs).
        pk = request.GET.get("request", "")
        found = Request.objects.filter(pk=int(pk)) if pk.isdigit() else Request.objects.none()
        email = found.values_list("email", flat=True).first()
        form = AddressForm({"email": email}) if email else AddressForm()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=AddressForm(request.POST)))

    def get_context_data(self, *, form, **kwargs):
        context = super().get_context_data(**kwargs)
        found = None
        if form.is_bound and form.is_valid():
            found = privacy.requests_for_address(form.cleaned_data["email"])
            for row in found:
                conversation = row.messages.all()
                row.message_count = len(conversation)
                row.attachment_names = [a.name for m in conversation for a in m.attachments.all()]
        context.update(
            form=form,
            found=found,
            can_erase=permissions.can_erase_personal_data(self.request.user),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class ExportView(_Allowed, View):
    """The JSON file, downloaded; a POST because it is written to the requests' history."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AddressForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the customer's e-mail address."))
            return redirect("support_privacy")
        data = privacy.personal_data_export(address=form.cleaned_data["email"], by=request.user)
        response = JsonResponse(
            data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
        return response


@method_decorator(never_cache, name="dispatch")
class EraseView(_Allowed, _Page):
    """First a confirmation page listing what goes; then, confirmed, exactly those requests
    are anonymised."""

    template_name = "support/admin/privacy_erase.html"
    http_method_names = ["post"]
    allowed = staticmethod(permissions.can_erase_personal_data)

    def post(self, request, *args, **kwargs):
        form = AddressForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the customer's e-mail address."))
            return redirect("support_privacy")
        address = form.cleaned_data["email"]
        if request.POST.get("confirmed") != "yes":
            context = self.get_context_data(
                address=address, found=privacy.requests_for_address(address)
            )
            return self.render_to_response(context)
        chosen = [int(pk) for pk in request.POST.getlist("request") if pk.isdigit()]
        done = privacy.personal_data_erase(address=address, by=request.user, request_ids=chosen)
        messages.success(
            request,
            ngettext("%(count)d request anonymised.", "%(count)d requests anonymised.", len(done))
            % {"count": len(done)},
        )
        return redirect("support_privacy")
