from django.urls import path

from discussions import question_views, views

app_name = "discussions"

urlpatterns = [
    path("", views.index, name="index"),
    path("neu/", views.channel_create, name="channel_create"),
    path("benachrichtigungen/", views.notifications, name="notifications"),
    path("fragen/", question_views.question_list, name="questions"),
    path("fragen/stellen/", question_views.question_ask, name="question_ask"),
    path("fragen/<int:pk>/", question_views.question_detail, name="question"),
    path("fragen/<int:pk>/antworten/", question_views.question_reply, name="question_reply"),
    path("fragen/<int:pk>/loesung/", question_views.question_solution, name="question_solution"),
    path("fragen/<int:pk>/helfen/", question_views.question_help, name="question_help"),
    path("nachricht/<int:pk>/", views.permalink, name="permalink"),
    path("nachricht/<int:pk>/thread/", views.thread, name="thread"),
    path(
        "nachricht/<int:pk>/als-praxisbeispiel/",
        views.thread_to_practice,
        name="thread_to_practice",
    ),
    path("nachricht/<int:pk>/bearbeiten/", views.message_edit, name="message_edit"),
    path("nachricht/<int:pk>/loeschen/", views.message_delete, name="message_delete"),
    path("nachricht/<int:pk>/reaktion/", views.reaction_toggle, name="reaction"),
    path("nachricht/<int:pk>/fassungen/", views.message_revisions, name="revisions"),
    path("nachricht/<int:pk>/melden/", views.message_flag, name="flag"),
    path("nachricht/<int:pk>/ausblenden/", views.message_hide, name="hide"),
    path("<slug:slug>/", views.channel_detail, name="channel"),
    path("<slug:slug>/ungelesen/", views.first_unread, name="first_unread"),
    path("<slug:slug>/schreiben/", views.message_post, name="post"),
    path("<slug:slug>/erwaehnen/", views.mention_suggestions, name="mention_suggestions"),
    path("<slug:slug>/beitreten/", views.channel_join, name="join"),
    path("<slug:slug>/verlassen/", views.channel_leave, name="leave"),
    path("<slug:slug>/einladen/", views.channel_invite, name="invite"),
    path("<slug:slug>/archivieren/", views.channel_archive, name="archive"),
    path("<slug:slug>/langsamer-modus/", views.channel_slow_mode, name="slow_mode"),
    path(
        "<slug:slug>/stummschaltung/<int:user_id>/aufheben/",
        views.member_unmute,
        name="unmute",
    ),
]
