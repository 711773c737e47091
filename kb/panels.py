from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


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
                from kb.selectors import translation_status

                self._status = translation_status(self.instance)
            return self._status

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["status"] = self.status
            return context
