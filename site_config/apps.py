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
