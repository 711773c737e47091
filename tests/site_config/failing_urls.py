"""A URLconf with a view that fails, for the error-reporting tests."""

import logging

from django.http import HttpResponse
from django.urls import path


def boom(request):
    raise ZeroDivisionError("the demo of an error")


def noted(request):
    logging.getLogger("helpcenter.test").warning("something to note")
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("noted/", noted)]
