from django.urls import path

from .notices import views

urlpatterns = [path("", views.latest_notices, name="latest_notices")]
