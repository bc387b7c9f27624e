"""Channel pages that work without JavaScript: every action is a plain form post."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.links import absolute_url
from core.ratelimit import rate_limit_exceeded, retry_after
from discussions import selectors
from discussions.events import notification_text
from discussions.forms import (
    ChannelForm,
    ChannelMessageForm,
    DigestForm,
    EditForm,
    FlagForm,
    InviteForm,
    MessageForm,
    ReactionForm,
    SlowModeForm,
)
from discussions.models import Channel, Message
from discussions.services import channels, digest, moderation, questions, reactions
from discussions.services import messages as message_services
from discussions.services.practice import may_turn_into_practice, practice_draft_from_thread
from members.http import AuthenticatedHttpRequest
from members.models import User
from members.selectors import is_network_member


def _not_found() -> Http404:
    return Http404(_("Diesen Kanal gibt es nicht oder Sie haben keinen Zugang."))


def _channel_or_404(request: HttpRequest, slug: str) -> Channel:
    channel = selectors.readable_channel(viewer=request.user, slug=slug)
    if channel is None:
        raise _not_found()
    return channel


def _message_or_404(request: HttpRequest, pk: int) -> Message:
    message = selectors.readable_message(viewer=request.user, message_id=pk)
    if message is None:
        raise Http404(_("Diese Nachricht gibt es nicht oder Sie haben keinen Zugang."))
    return message


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404(_("Ungültige Position im Verlauf."))
    return int(value)


def _part(request: HttpRequest) -> str:
    """Which part of a page the live script asks for (`?teil=`), to put into the page it shows;
    empty for the whole page."""
    return request.GET.get("teil", "")


def _from_script(request: HttpRequest) -> bool:
    """A form the live script sent by fetch: it wants an answer to show, not a redirect."""
    return request.headers.get("X-Requested-With") == "fetch"


def _message_url(message: Message) -> str:
    return reverse("discussions:permalink", args=[message.pk])


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "discussions/channel_list.html",
        {
            "entries": selectors.channel_index(viewer=request.user),
            "is_member": is_network_member(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_network_member(request.user):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Kanäle anlegen."))
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _channel_limit_reached(request, form):
            return render(request, "discussions/channel_form.html", {"form": form}, status=429)
        try:
            channel = channels.channel_create(
                creator=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                visibility=form.cleaned_data["visibility"],
                topics=form.cleaned_data["topics"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Der Kanal „%(name)s“ ist angelegt.") % {"name": channel.name}
            )
            return redirect("discussions:channel", slug=channel.slug)
    return render(request, "discussions/channel_form.html", {"form": form})


def _channel_limit_reached(request: HttpRequest, form: ChannelForm) -> bool:
    """Opening channels is limited per member here, at the form, and not in the service:
    course sessions open their channels through the same service."""
    period = settings.DISCUSSIONS_CHANNEL_RATE_SECONDS
    if not rate_limit_exceeded(
        scope="discussion-channel",
        key=str(request.user.pk),
        limit=settings.DISCUSSIONS_CHANNEL_RATE_COUNT,
        period=period,
    ):
        return False
    minutes = math.ceil(retry_after(period=period) / 60)
    form.add_error(
        None,
        ngettext(
            "Sie haben in kurzer Zeit sehr viele Kanäle angelegt. Bitte warten Sie eine Minute "
            "und senden Sie das Formular dann erneut ab; Ihre Eingaben bleiben erhalten.",
            "Sie haben in kurzer Zeit sehr viele Kanäle angelegt. Bitte warten Sie %(minutes)d "
            "Minuten und senden Sie das Formular dann erneut ab; Ihre Eingaben bleiben erhalten.",
            minutes,
        )
        % {"minutes": minutes},
    )
    return True


def _channel_page(
    request: AuthenticatedHttpRequest,
    channel: Channel,
    form: ChannelMessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    before, after = _cursor(request, "vor"), _cursor(request, "ab")
    membership = selectors.membership_for(viewer=request.user, channel=channel)
    is_muted = selectors.is_muted(user=request.user, channel=channel)
    may_post = selectors.can_post(viewer=request.user, channel=channel) and not is_muted
    history = selectors.channel_history(channel=channel, before=before, after=after)
    first_unread = selectors.first_unread_id(channel=channel, membership=membership)
    is_newest = history.newer_cursor is None
    if membership is not None and is_newest and history.messages:
        channels.channel_mark_read(
            user=request.user, channel=channel, up_to=history.messages[-1].pk
        )
    reply_to = _cursor(request, "antwort")
    is_moderator = selectors.is_moderator(request.user)
    if form is None:
        form = ChannelMessageForm(initial={"reply_to": reply_to})
    context: dict[str, Any] = {
        "channel": channel,
        "history": history,
        "entries": selectors.message_entries(
            messages=history.messages,
            viewer=request.user,
            may_post=may_post,
            first_unread=first_unread,
        ),
        "first_unread": first_unread,
        "is_newest": is_newest,
        "membership": membership,
        "may_post": may_post,
        "may_manage": selectors.can_manage(viewer=request.user, channel=channel),
        "is_invited": selectors.has_invitation(viewer=request.user, channel=channel),
        "form": form,
        "reply_to": selectors.channel_message(channel=channel, message_id=reply_to)
        if reply_to
        else None,
        "invite_form": InviteForm() if channel.is_private and may_post else None,
        "is_moderator": is_moderator,
        "is_muted": is_muted,
        "slow_mode_form": SlowModeForm(initial={"seconds": channel.slow_mode_seconds})
        if is_moderator
        else None,
        "mutes": selectors.channel_mutes(channel=channel) if is_moderator else [],
        "flag_form": FlagForm(),
        "js_texts": _js_texts(),
        "channel_list": selectors.channel_index(viewer=request.user),
    }
    if _part(request) == "verlauf":
        return render(request, "discussions/parts/history.html", context)
    return render(request, "discussions/channel.html", context, status=status)


def _js_texts() -> dict[str, str]:
    """What the live script writes into the page, translated here once."""
    return {
        "newMessage": _("Neue Nachricht von"),
        "present": _("Gerade im Kanal:"),
        "typing": _("schreibt …"),
        "sending": _("Wird gesendet …"),
        "sent": _("Gesendet."),
        "revoked": _("Sie sind nicht mehr Mitglied dieses Kanals."),
        "confirmDelete": _("Diese Nachricht wirklich löschen?"),
    }


@login_required
@require_GET
def channel_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _channel_page(request, _channel_or_404(request, slug))


@login_required
@require_GET
def first_unread(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Jump to the first unread message, or to the newest when everything is read."""
    channel = _channel_or_404(request, slug)
    membership = selectors.membership_for(viewer=request.user, channel=channel)
    unread = selectors.first_unread_id(channel=channel, membership=membership)
    url = reverse("discussions:channel", args=[channel.slug])
    if unread is None:
        return redirect(url)
    return redirect(f"{url}?ab={unread - 1}#nachricht-{unread}")


@login_required
@require_POST
def message_post(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    channel = _channel_or_404(request, slug)
    form = ChannelMessageForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["is_question"]:
                message = questions.question_ask(
                    author=request.user,
                    channel=channel,
                    title=form.cleaned_data["title"],
                    source=form.cleaned_data["body"],
                ).message
            else:
                message = message_services.message_post(
                    author=request.user,
                    channel=channel,
                    source=form.cleaned_data["body"],
                    reply_to_id=form.cleaned_data["reply_to"],
                )
        except message_services.RateLimited as error:
            form.add_error("body", str(error))
            return _channel_page(request, channel, form=form, status=429)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return _channel_page(request, channel, form=form, status=403)
        except ValidationError as error:
            form.add_error(None if hasattr(error, "error_dict") else "body", error)
        else:
            return redirect(f"{reverse('discussions:channel', args=[slug])}#nachricht-{message.pk}")
    return _channel_page(request, channel, form=form, status=400)


@login_required
@require_POST
def channel_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None or not (
        selectors.can_read(viewer=request.user, channel=channel)
        or selectors.has_invitation(viewer=request.user, channel=channel)
    ):
        raise _not_found()
    channels.channel_join(user=request.user, channel=channel)
    messages.success(request, _("Sie sind dem Kanal beigetreten."))
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_POST
def channel_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    channel = _channel_or_404(request, slug)
    channels.channel_leave(user=request.user, channel=channel)
    messages.success(request, _("Sie haben den Kanal „%(name)s“ verlassen.") % {"name": channel})
    if channel.is_private:
        return redirect("discussions:index")
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_POST
def channel_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    channel = _channel_or_404(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        invitee = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        try:
            if invitee is None:
                raise ValidationError(_("Unter dieser Adresse ist kein Mitglied registriert."))
            channels.channel_invite(inviter=request.user, channel=channel, invitee=invitee)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Die Einladung ist verschickt."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_POST
def channel_archive(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    channel = _channel_or_404(request, slug)
    archived = request.POST.get("archiviert") != "nein"
    channels.channel_archive(actor=request.user, channel=channel, archived=archived)
    messages.success(
        request,
        _("Der Kanal ist archiviert.") if archived else _("Der Kanal ist wieder aktiv."),
    )
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_GET
def permalink(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    url = reverse("discussions:channel", args=[message.channel.slug])
    return HttpResponseRedirect(f"{url}?ab={message.pk - 1}#nachricht-{message.pk}")


@login_required
@require_GET
def thread(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    root = message.reply_to or message
    channel = message.channel
    may_post = selectors.can_post(viewer=request.user, channel=channel) and not selectors.is_muted(
        user=request.user, channel=channel
    )
    return render(
        request,
        "discussions/parts/thread.html" if _part(request) == "panel" else "discussions/thread.html",
        {
            "channel": channel,
            "root": root,
            "entries": selectors.message_entries(
                messages=selectors.thread_messages(root=root),
                viewer=request.user,
                may_post=may_post,
                first_unread=None,
            ),
            "may_post": may_post,
            # Its own field ids: the thread also opens in a panel beside the channel's composer.
            "form": MessageForm(initial={"reply_to": root.pk}, auto_id="id_thread_%s"),
            "is_moderator": selectors.is_moderator(request.user),
            "may_turn_into_practice": may_turn_into_practice(request.user),
            "flag_form": FlagForm(),
        },
    )


@login_required
@require_POST
def thread_to_practice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Moderators and editors file a thread as a draft practice page for review."""
    message = _message_or_404(request, pk)
    root = message.reply_to or message
    thread_url = absolute_url("discussions:thread", root.pk)
    page = practice_draft_from_thread(root=root, user=request.user, thread_url=thread_url)
    messages.success(
        request,
        _("Der Thread ist jetzt ein Entwurf in der redaktionellen Prüfung: „%(title)s“.")
        % {"title": page.title},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    # Its own field ids: the form also opens in place on the channel page beside the composer.
    form = EditForm(
        request.POST or None,
        initial={"body": message.source},
        auto_id=f"id_bearbeiten_{message.pk}_%s",
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            message_services.message_edit(
                editor=request.user, message=message, source=form.cleaned_data["body"]
            )
        except message_services.RateLimited as error:
            form.add_error("body", str(error))
            status = 429
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except ValidationError as error:
            form.add_error("body", error)
        else:
            if _from_script(request):
                return HttpResponse(status=204)
            messages.success(request, _("Ihre Änderung ist gespeichert."))
            return redirect(_message_url(message))
    elif request.method == "GET" and (message.author_id != request.user.pk or message.is_deleted):
        raise PermissionDenied(_("Sie können nur Ihre eigenen Nachrichten bearbeiten."))
    in_place = _part(request) == "formular" or _from_script(request)
    return render(
        request,
        "discussions/parts/edit_form.html" if in_place else "discussions/message_edit.html",
        {"form": form, "message": message, "channel": message.channel},
        status=400 if form.errors and status == 200 else status,
    )


@login_required
@require_POST
def message_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    message_services.message_delete(actor=request.user, message=message)
    messages.success(request, _("Die Nachricht ist gelöscht."))
    return redirect(_message_url(message))


@login_required
@require_POST
def reaction_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        if _from_script(request):
            return HttpResponse(_("Diese Reaktion gibt es nicht."), status=400)
        messages.error(request, _("Diese Reaktion gibt es nicht."))
        return redirect(_message_url(message))
    try:
        reactions.reaction_toggle(
            user=request.user, message=message, emoji=form.cleaned_data["emoji"]
        )
    except ValidationError as error:
        if _from_script(request):
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
    if _from_script(request):
        return _reactions_part(request, message)
    return redirect(_message_url(message))


def _reactions_part(request: AuthenticatedHttpRequest, message: Message) -> HttpResponse:
    """The message's reactions as the viewer sees them, for the script to put in place."""
    (entry,) = selectors.message_entries(
        messages=selectors.messages_for_display([message.pk]),
        viewer=request.user,
        may_post=True,
        first_unread=None,
    )
    return render(
        request,
        "includes/discussion_reactions.html",
        {"entry": entry, "message": entry.message, "may_post": True},
    )


@login_required
@require_GET
def message_revisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    if not selectors.is_moderator(request.user):
        raise PermissionDenied(_("Frühere Fassungen sieht nur die Moderation."))
    return render(
        request,
        "discussions/message_revisions.html",
        {
            "message": message,
            "channel": message.channel,
            "revisions": selectors.message_revisions(message=message),
        },
    )


@login_required
@require_POST
def message_flag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            moderation.message_flag(
                reporter=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Danke, die Moderation sieht sich die Nachricht an."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return redirect(_message_url(message))


@login_required
@require_POST
def message_hide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    moderation.message_hide(moderator=request.user, message=message)
    messages.success(request, _("Die Nachricht ist ausgeblendet."))
    return redirect(_message_url(message))


@login_required
@require_POST
def channel_slow_mode(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    channel = _channel_or_404(request, slug)
    form = SlowModeForm(request.POST)
    if form.is_valid():
        moderation.channel_slow_mode_set(
            moderator=request.user, channel=channel, seconds=form.cleaned_data["seconds"]
        )
        messages.success(request, _("Der langsame Modus ist gespeichert."))
    else:
        if not selectors.is_moderator(request.user):
            raise PermissionDenied(_("Das darf nur die Moderation."))
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_POST
def member_unmute(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    channel = _channel_or_404(request, slug)
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        raise Http404(_("Dieses Mitglied gibt es nicht."))
    moderation.member_unmute(moderator=request.user, channel=channel, member=member)
    messages.success(request, _("Die Stummschaltung ist aufgehoben."))
    return redirect("discussions:channel", slug=channel.slug)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's mentions and replies; opening the list does not mark them read, the
    button does, so nothing slips by unseen."""
    digest_form = DigestForm(
        request.POST if request.POST.get("aktion") == "zusammenfassung" else None,
        initial=selectors.digest_frequencies(user=request.user),
    )
    if request.method == "POST" and digest_form.is_bound:
        if not digest_form.is_valid():
            return render(
                request,
                "discussions/notifications.html",
                _notifications_context(request.user, digest_form),
                status=400,
            )
        digest.digest_preferences_set(user=request.user, frequencies=digest_form.frequencies())
        messages.success(request, _("Ihre Einstellung ist gespeichert."))
        return redirect("discussions:notifications")
    if request.method == "POST":
        digest.notifications_mark_read(user=request.user)
        messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
        return redirect("discussions:notifications")
    return render(
        request, "discussions/notifications.html", _notifications_context(request.user, digest_form)
    )


def _notifications_context(user: User, digest_form: DigestForm) -> dict[str, Any]:
    return {
        "digest_form": digest_form,
        "notifications": [
            (
                notification,
                notification_text(
                    message=notification.message,
                    kind=notification.kind,
                    detail=notification.detail,
                ),
            )
            for notification in selectors.notifications_for(viewer=user)[:100]
        ],
    }


@login_required
@require_GET
def mention_suggestions(request: AuthenticatedHttpRequest, slug: str) -> JsonResponse:
    """Names for the mention autocomplete: only for those who may write in the channel."""
    channel = _channel_or_404(request, slug)
    if not selectors.can_post(viewer=request.user, channel=channel):
        raise PermissionDenied(_("Sie können in diesem Kanal nicht schreiben."))
    query = request.GET.get("q", "")[:50]
    return JsonResponse(
        {"names": selectors.mention_suggestions(channel=channel, query=query) if query else []}
    )
