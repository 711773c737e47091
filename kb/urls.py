from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("feedback/<int:page_id>/", views.feedback, name="feedback"),
]
