import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
if os.environ["DJANGO_SETTINGS_MODULE"] == "site_config.settings_test":
    # A fixed SECRET_KEY and the MD5 hasher are the test runner's, never a server's.
    raise ImproperlyConfigured("site_config.settings_test cannot serve: use site_config.settings")

application = get_asgi_application()
