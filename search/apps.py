from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.core.signals import setting_changed

        from search import receivers  # connects the indexing receivers

        receivers.connect_page_models()

        setting_changed.connect(_forget_backend, dispatch_uid="search-settings")


def _forget_backend(setting, **kwargs):
    """Tests (and override_settings) that change the engine get the new one."""
    if setting.startswith(("SEARCH_", "ELASTICSEARCH_", "OPENSEARCH_")):
        from search import api

        api.reset_backend()
        api.forget_status()
