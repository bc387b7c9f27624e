"""The catalogue's own pages under /lernen/. Course pages themselves (/lernen/<slug>/) are
served by Wagtail; their slugs may not be one of the prefixes used here
(peer_learning.models.RESERVED_COURSE_SLUGS)."""

from django.urls import path

from peer_learning.views import catalogue, member, trainer, wishes

app_name = "peer_learning"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("termine/", catalogue.session_list, name="sessions"),
    path("termine/monat/", catalogue.session_month, name="sessions_month"),
    path("termine/<int:pk>/", catalogue.session_detail, name="session"),
    path("termine/<int:pk>/anmelden/", member.session_register, name="register"),
    path("termine/<int:pk>/stornieren/", member.session_unregister, name="unregister"),
    path("termine/<int:pk>/kalender.ics", catalogue.session_ics, name="session_ics"),
    path("termine/<int:pk>/rueckmeldung/", member.feedback, name="feedback"),
    path("termine/<int:pk>/bescheinigung.pdf", member.certificate, name="certificate"),
    path("lernhistorie/", member.history, name="history"),
    path("lernhistorie/export.csv", member.history_csv, name="history_csv"),
    path("kalender/", member.calendar_settings, name="calendar"),
    path("kalender/neu/", member.calendar_regenerate, name="calendar_regenerate"),
    path("kalender/<str:token>.ics", member.calendar_feed, name="feed"),
    path("anbieten/", trainer.course_create, name="course_create"),
    path("wuensche/", wishes.wish_board, name="wishes"),
    path("wuensche/neu/", wishes.wish_create, name="wish_create"),
    path("wuensche/<int:pk>/plus-eins/", wishes.wish_vote, name="wish_vote"),
    path("meine-impulse/", trainer.dashboard, name="dashboard"),
    path("meine-impulse/<int:pk>/bearbeiten/", trainer.course_edit, name="course_edit"),
    path("meine-impulse/<int:pk>/einreichen/", trainer.course_submit, name="course_submit"),
    path(
        "meine-impulse/<int:course_pk>/termine/neu/", trainer.session_create, name="session_create"
    ),
    path("meine-impulse/termine/<int:pk>/", trainer.session_manage, name="session_manage"),
    path("meine-impulse/termine/<int:pk>/bearbeiten/", trainer.session_edit, name="session_edit"),
    path("meine-impulse/termine/<int:pk>/absagen/", trainer.session_cancel, name="session_cancel"),
    path("meine-impulse/termine/<int:pk>/kanal/", trainer.session_channel, name="session_channel"),
    path(
        "meine-impulse/termine/<int:pk>/anwesenheit/",
        trainer.session_attendance,
        name="session_attendance",
    ),
    path(
        "meine-impulse/termine/<int:pk>/nachricht/", trainer.session_message, name="session_message"
    ),
    path(
        "meine-impulse/termine/<int:pk>/teilnehmende.csv",
        trainer.session_participants_csv,
        name="session_participants_csv",
    ),
]
