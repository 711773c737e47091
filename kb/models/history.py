"""Public policy history and translation provenance, recorded when pages are published."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """A published version of a policy, as readers saw it, with what changed."""

    page = models.ForeignKey("kb.PolicyPage", on_delete=models.CASCADE, related_name="versions")
    revision = models.OneToOneField(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"))
    effective_date = models.DateField(_("takes effect on"))
    change_note = models.CharField(_("what changed"), max_length=300)
    title = models.CharField(max_length=255)
    # Section headings and plain text as readers saw them: [{"heading": ..., "text": ...}].
    sections = models.JSONField(default=list)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="kb_policy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class TranslationRecord(models.Model):
    """Which revision of the source page a translation was last published from.

    The translation is out of date when the source has been published again since.
    """

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="translation_record"
    )
    source_page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    source_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_published_at = models.DateTimeField(null=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation record")
        verbose_name_plural = _("translation records")

    def __str__(self) -> str:
        return f"{self.page_id} from revision {self.source_revision_id}"
