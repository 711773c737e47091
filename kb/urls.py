from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("feedback/<id:page_id>/", views.feedback, name="feedback"),
    path("video/<id:document_id>/", views.video_file, name="video_file"),
]
