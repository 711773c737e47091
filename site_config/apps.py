from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class SiteConfigConfig(AppConfig):
    name = "site_config"
    verbose_name = _("Site configuration")

    def ready(self):
        from site_config.ids import IdConverter

        # Before any URLconf is read: every id in our URLs is an <id:...>.
        register_converter(IdConverter, "id")

        from django.db.models.signals import post_delete, post_save

        from site_config.models import Brand, ContactChannel, FooterLink

        for model in (Brand, FooterLink, ContactChannel):
            post_save.connect(_brand_changed, sender=model, dispatch_uid=f"brand-{model.__name__}")
            post_delete.connect(
                _brand_changed, sender=model, dispatch_uid=f"brand-del-{model.__name__}"
            )


def _brand_changed(sender, **kwargs):
    """Every page shows the brand: staff's change is on the next page anyone opens."""
    from django.db import transaction

    from kb import page_cache
    from site_config import branding
    from site_config.models import Brand

    if sender is Brand and kwargs.get("created"):
        return  # the defaults made on first use: nothing a reader sees changed

    def forget():
        branding.forget()
        page_cache.forget_all()

    # After the commit: a page read in between would keep the old brand under a new
    # generation (Wagtail saves settings and snippets in a transaction).
    transaction.on_commit(forget)
