from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("weiterleitung/", views.routing_preference, name="routing_preference"),
]
