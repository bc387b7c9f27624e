"""The catalogue's own pages under /lernen/. Course pages themselves (/lernen/<slug>/) are
served by Wagtail; their slugs may not be one of the prefixes used here
(peer_learning.models.RESERVED_COURSE_SLUGS)."""

from django.urls import path

from peer_learning import views

app_name = "peer_learning"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("termine/", views.session_list, name="sessions"),
    path("termine/monat/", views.session_month, name="sessions_month"),
    path("termine/<int:pk>/", views.session_detail, name="session"),
    path("termine/<int:pk>/anmelden/", views.session_register, name="register"),
    path("termine/<int:pk>/abmelden/", views.session_unregister, name="unregister"),
    path("termine/<int:pk>/kalender.ics", views.session_ics, name="session_ics"),
    path("termine/<int:pk>/rueckmeldung/", views.feedback, name="feedback"),
    path("termine/<int:pk>/bescheinigung.pdf", views.certificate, name="certificate"),
    path("lernhistorie/", views.history, name="history"),
    path("lernhistorie/export.csv", views.history_csv, name="history_csv"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/neu/", views.calendar_regenerate, name="calendar_regenerate"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
    path("anbieten/", views.course_create, name="course_create"),
    path("meine-impulse/", views.dashboard, name="dashboard"),
    path("meine-impulse/<int:pk>/bearbeiten/", views.course_edit, name="course_edit"),
    path("meine-impulse/<int:pk>/einreichen/", views.course_submit, name="course_submit"),
    path("meine-impulse/<int:course_pk>/termine/neu/", views.session_create, name="session_create"),
    path("meine-impulse/termine/<int:pk>/", views.session_manage, name="session_manage"),
    path("meine-impulse/termine/<int:pk>/bearbeiten/", views.session_edit, name="session_edit"),
    path("meine-impulse/termine/<int:pk>/absagen/", views.session_cancel, name="session_cancel"),
    path("meine-impulse/termine/<int:pk>/kanal/", views.session_channel, name="session_channel"),
    path(
        "meine-impulse/termine/<int:pk>/anwesenheit/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "meine-impulse/termine/<int:pk>/nachricht/", views.session_message, name="session_message"
    ),
    path(
        "meine-impulse/termine/<int:pk>/teilnehmende.csv",
        views.session_participants_csv,
        name="session_participants_csv",
    ),
]
