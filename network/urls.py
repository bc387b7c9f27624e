from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("merkliste/", views.bookmark_list, name="bookmarks"),
    path("merkliste/<str:kind>/<int:pk>/", views.bookmark, name="bookmark"),
    path("gefolgt/", views.following, name="following"),
    path("folgen/<str:kind>/<int:pk>/", views.follow, name="follow"),
]
