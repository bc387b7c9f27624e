"""Question pages ("Frage & Antwort"): the list, asking, the question with its solution, and
the forms on it. Every action is a plain form post; the channel page shows changes live."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.sections import page_sections
from discussions import selectors
from discussions.forms import (
    FlagForm,
    MessageForm,
    QuestionFilterForm,
    QuestionForm,
    SolutionForm,
)
from discussions.models import Question
from discussions.services import questions
from discussions.services.messages import RateLimited, message_post
from discussions.services.practice import may_turn_into_practice
from hub.knowledge.selectors import readable_practice_page
from hub.models import PracticePage, Topic
from members.http import AuthenticatedHttpRequest
from members.selectors import is_network_member

PAGE_SIZE = 20


def _question_or_404(request: AuthenticatedHttpRequest, pk: int) -> Question:
    question = selectors.readable_question(viewer=request.user, pk=pk)
    if question is None:
        raise Http404(_("Diese Frage gibt es nicht oder Sie haben keinen Zugang."))
    return question


def _question_url(question: Question, message_id: int | None = None) -> str:
    url = reverse("discussions:question", args=[question.pk])
    return f"{url}#nachricht-{message_id}" if message_id else url


@login_required
@require_GET
def question_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None)
    filters = selectors.QuestionFilters()
    if form.is_valid():
        filters = selectors.QuestionFilters(
            state=form.cleaned_data["state"],
            topic=form.cleaned_data["topic"],
            order=form.cleaned_data["order"] or selectors.QUESTION_ORDER_NEWEST,
        )
    page = Paginator(
        selectors.question_list(viewer=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "discussions/question_list.html",
        {
            "form": form,
            "page": page,
            "cards": selectors.question_cards(questions=page, viewer=request.user),
            "query_string": query.urlencode(),
            "is_member": is_network_member(request.user),
        },
    )


def _article(value: str | None) -> PracticePage | None:
    """The article an id names, if it is live and anyone may read it."""
    if not value or not value.isdigit():
        return None
    return readable_practice_page(pk=int(value))


def _article_gone() -> str:
    return _(
        "Den Beitrag, zu dem Sie fragen wollten, gibt es nicht oder er ist nicht "
        "veröffentlicht. Sie können Ihre Frage trotzdem stellen: Sie wird dann nicht mit "
        "einem Beitrag verknüpft."
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Frage stellen": a title, the text, topics and the channel the topics suggest. From an
    article ("Frage an die Autor:innen", `?beitrag=<id>`) the question is linked to it and takes
    its topics; an id that names no readable article is dropped with a message."""
    if not is_network_member(request.user):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Fragen stellen."))
    channels = selectors.question_channel_choices(viewer=request.user)
    data = request.POST.copy() if request.method == "POST" else None
    article_id = data.get("article") if data is not None else request.GET.get("beitrag")
    article = _article(article_id)
    article_gone = bool(article_id) and article is None
    if article_gone and data is None:
        messages.warning(request, _article_gone())
    elif article_gone and data is not None:
        data["article"] = ""
    initial: dict[str, object] = {}
    topics: list[Topic] = []
    if article is not None:
        topics = list(article.topics.all())
        initial["article"] = str(article.pk)
    elif topic_slug := request.GET.get("thema", ""):
        topics = list(Topic.objects.filter(slug=topic_slug)[:1])
    if topics:
        initial["topics"] = topics
        initial["channel"] = selectors.suggested_channel(
            channels=channels, topic_ids={topic.pk for topic in topics}
        )
    form = QuestionForm(data, initial=initial, channels=channels)
    status = 400 if request.method == "POST" else 200
    channel = None
    if data is not None and article_gone:
        # Sent again, the question goes without the link; this time nothing is posted.
        form.full_clean()
        form.add_error(None, _article_gone())
    if request.method == "POST" and form.is_valid():
        # Without a chosen channel (the page works without its script), the topics pick one.
        channel = form.cleaned_data["channel"] or selectors.suggested_channel(
            channels=channels, topic_ids={topic.pk for topic in form.cleaned_data["topics"]}
        )
        if channel is None:
            form.add_error("channel", _("Bitte wählen Sie einen Kanal."))
    if request.method == "POST" and form.is_valid() and channel is not None:
        try:
            question = questions.question_ask(
                author=request.user,
                channel=channel,
                title=form.cleaned_data["title"],
                source=form.cleaned_data["body"],
                topics=form.cleaned_data["topics"],
                article=article,
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except PermissionDenied as error:
            form.add_error("channel", str(error))
            status = 403
        except ValidationError as error:
            form.add_error(None if hasattr(error, "error_dict") else "body", error)
        else:
            messages.success(request, _("Ihre Frage ist gestellt."))
            return redirect(_question_url(question))
    return render(
        request,
        "discussions/question_form.html",
        {"form": form, "has_channels": bool(channels), "article": article},
        status=status,
    )


@login_required
@require_GET
def question_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    return _question_page(request, question)


def _question_page(
    request: AuthenticatedHttpRequest,
    question: Question,
    form: MessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.question_page(viewer=request.user, question=question)
    return render(
        request,
        "discussions/question.html",
        {
            "view": view,
            "question": question,
            "channel": question.message.channel,
            "form": form or MessageForm(auto_id="id_antwort_%s"),
            "is_moderator": selectors.is_moderator(request.user),
            "may_turn_into_practice": may_turn_into_practice(request.user),
            "flag_form": FlagForm(),
            "sections": page_sections(request, question),
        },
        status=status,
    )


@login_required
@require_POST
def question_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A reply from the question page; on the channel page replies go through the thread."""
    question = _question_or_404(request, pk)
    form = MessageForm(request.POST, auto_id="id_antwort_%s")
    status = 400
    if form.is_valid():
        try:
            reply = message_post(
                author=request.user,
                channel=question.message.channel,
                source=form.cleaned_data["body"],
                reply_to_id=question.pk,
            )
        except RateLimited as error:
            form.add_error("body", str(error))
            status = 429
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except ValidationError as error:
            form.add_error("body", error)
        else:
            return redirect(_question_url(question, reply.pk))
    return _question_page(request, question, form=form, status=status)


@login_required
@require_POST
def question_solution(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Als Lösung markieren", or with an empty reply "Markierung aufheben"."""
    question = _question_or_404(request, pk)
    form = SolutionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Diese Antwort gibt es nicht."))
        return redirect(_question_url(question))
    reply_id = form.cleaned_data["reply"]
    reply = None
    if reply_id:
        reply = selectors.channel_message(channel=question.message.channel, message_id=reply_id)
    if reply_id and reply is None:
        messages.error(request, _("Diese Antwort gehört nicht zu dieser Frage."))
        return redirect(_question_url(question))
    try:
        questions.question_solution_set(actor=request.user, question=question, reply=reply)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_question_url(question))
    if reply is None:
        messages.success(request, _("Die Markierung als Lösung ist aufgehoben."))
    else:
        messages.success(request, _("Die Antwort ist als Lösung markiert."))
    return redirect(_question_url(question))


@login_required
@require_POST
def question_help(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Ich kann hier helfen": notified of each reply, until the member withdraws."""
    question = _question_or_404(request, pk)
    helping = request.POST.get("helfen") != "nein"
    try:
        questions.question_help_set(user=request.user, question=question, helping=helping)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Danke! Sie werden über neue Antworten auf diese Frage benachrichtigt.")
            if helping
            else _("Sie werden über diese Frage nicht mehr benachrichtigt."),
        )
    return redirect(_question_url(question))
