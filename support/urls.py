"""``/<lang>/contact/`` (the form and its steps) and ``/<lang>/requests/`` (a customer's
requests; one request behind its secret link), as the public URL contract says."""

from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.sent, name="sent"),
    path("contact/answered/", views.answered, name="answered"),
    path("contact/answers/", views.answers_json, name="answers"),
    path("contact/open/", views.open_answer, name="open_answer"),
    path("contact/challenge/", views.challenge, name="challenge"),
    path("requests/", views.mine, name="mine"),
    path("requests/<str:secret>/", views.request_page, name="request"),
    path("requests/<str:secret>/files/<int:pk>/", views.attachment, name="attachment"),
]
