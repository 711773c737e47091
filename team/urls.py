from django.urls import path

from team import views

app_name = "team"

urlpatterns = [path("<str:token>/", views.accept, name="accept")]
