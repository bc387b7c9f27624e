"""Request types for views that only signed-in members reach."""

from django.http import HttpRequest

from members.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind `login_required` (or Wagtail's admin login): its user is a
    `User`, never `AnonymousUser`. Only an annotation for the type checker; Django builds the
    same `HttpRequest` as always."""

    user: User
