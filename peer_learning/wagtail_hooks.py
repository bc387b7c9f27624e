"""Editors see sessions and registrations in the admin, read-only.

Seats, waitlist promotion and participant mails are kept right by the services, so changes
happen in the site (trainer dashboard, members' own registrations), never by editing rows.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from peer_learning.models import Registration, Session


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only the view permission counts; add, change and delete are never granted."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(Session, ReadOnlyPolicy(Session))
register_permission_policy(Registration, ReadOnlyPolicy(Registration))


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Termine")
    url_prefix = "lernen/termine"
    url_namespace = "peer_learning_sessions"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["course", "starts_at", "delivery", "seats_taken", "capacity", "status"]
    list_filter = ["status", "delivery"]
    form_fields = ["status"]


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "user"
    menu_label = _("Anmeldungen")
    url_prefix = "lernen/anmeldungen"
    url_namespace = "peer_learning_registrations"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["session", "user", "status", "created_at"]
    list_filter = ["status"]
    form_fields = ["status"]


class LearningViewSetGroup(ViewSetGroup):
    menu_label = _("Lernen")
    menu_icon = "calendar"
    menu_order = 280
    items = (SessionViewSet, RegistrationViewSet)


@hooks.register("register_admin_viewset")
def register_learning_viewsets() -> LearningViewSetGroup:
    return LearningViewSetGroup()
