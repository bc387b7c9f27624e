from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("mein-profil/", views.profile_edit, name="profile_edit"),
]
