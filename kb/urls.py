from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("feedback/<int:page_id>/", views.feedback, name="feedback"),
    path("video/<int:document_id>/", views.video_file, name="video_file"),
]
