"""A chooser for member profiles in the admin: authors and contact persons of articles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from members.models import Approval, Profile


class ProfileSearchForm(BaseFilterForm):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def filter(self, objects: QuerySet[Profile]) -> QuerySet[Profile]:
        query = self.cleaned_data.get("q") if self.is_valid() else ""
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(display_name__icontains=query)
        return objects


class _ApprovedMembersOnly:
    """Only members the editors let in can be named as authors or contact persons."""

    filter_form_class = ProfileSearchForm

    def get_object_list(self) -> Any:
        return Profile.objects.filter(
            user__approval=Approval.APPROVED, user__is_active=True
        ).select_related("organisation")


class ProfileChooseView(_ApprovedMembersOnly, ChooseView):
    pass


class ProfileChooseResultsView(_ApprovedMembersOnly, ChooseResultsView):
    pass


class ProfileChooserViewSet(ChooserViewSet):
    model = Profile
    icon = "user"
    choose_one_text = _("Mitglied auswählen")
    choose_another_text = _("Anderes Mitglied auswählen")
    edit_item_text = _("Bearbeiten")
    choose_view_class = ProfileChooseView
    choose_results_view_class = ProfileChooseResultsView
    per_page = 20


profile_chooser_viewset = ProfileChooserViewSet("profile_chooser", url_prefix="mitglieder-auswahl")
