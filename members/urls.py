from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("mein-profil/", views.profile_edit, name="profile_edit"),
    path("meine-daten/", views.my_data, name="my_data"),
    path("meine-daten/herunterladen/", views.my_data_download, name="my_data_download"),
    path("konto-loeschen/", views.account_delete, name="account_delete"),
    path("nutzungsbedingungen/", views.terms, name="terms"),
    path("nutzungsbedingungen/zustimmen/", views.terms_accept_view, name="terms_accept"),
]
