"""What editors see in an article's editor besides its fields. The page models declare
these (``base_form_class``, ``content_panels``), so this module imports no kb model: a
panel asks the page it is bound to."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import Panel


class ArticlePageForm(WagtailAdminPageForm):
    """The editor's form: "tell readers" starts unticked on every new version, so readers
    are only e-mailed for the version an editor meant them to hear about."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "notify_unhelpful_readers" in self.fields:
            self.initial["notify_unhelpful_readers"] = False


class TranslationStatusPanel(Panel):
    """In a translation's editor: which version of the source it was made from, and
    whether the source has changed since."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Translation"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "kb/admin/translation_status_panel.html"

        def is_shown(self):
            return bool(self.instance.pk) and self.status is not None

        @property
        def status(self):
            if not hasattr(self, "_status"):
                self._status = self.instance.translation_status()
            return self._status

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["status"] = self.status
            return context
