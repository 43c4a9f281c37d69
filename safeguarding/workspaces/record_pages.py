"""The staff pages of an app that keeps one record per workspace (a case review, a child death
review): who may open the record, where its page is, and its form pages.

Each such app makes one ``RecordPages`` with the name of its record's page, its form template
and its selector (which answers 404 to anyone without a live membership and logs the read),
and its views call it::

    PAGES = RecordPages("cdop:case", "cdop/staff/form.html", selectors.case_for)

    def review_meeting(request, pk):
        actor, case = PAGES.writer(request, pk, purpose="record the review meeting")
        return PAGES.form(request, case, ReviewMeetingForm(posted(request)), title=..., ...)

The form template extends ``workspaces/_record_form.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.selectors import staff_user
from safeguarding.core.form_views import form_page
from safeguarding.workspaces.models import MembershipRole, Workspace
from safeguarding.workspaces.selectors import require_role

WRITERS = (MembershipRole.LEAD, MembershipRole.MEMBER)


class InWorkspace(Protocol):
    pk: Any
    workspace: Workspace


R = TypeVar("R", bound=InWorkspace)


@dataclass(frozen=True)
class RecordPages(Generic[R]):
    url_name: str  # the record's page, reversed with the record's pk
    template: str  # the form pages' template
    find: Callable[..., R]  # find(user, pk, purpose=...): 404 for outsiders, the read logged

    def member(self, request: HttpRequest, pk: int, *, purpose: str) -> tuple[User, R]:
        """The record for a live member of its workspace (404 for anyone else)."""
        user = staff_user(request)
        return user, self.find(user, pk, purpose=purpose)

    def writer(
        self,
        request: HttpRequest,
        pk: int,
        *,
        purpose: str,
        roles: tuple[MembershipRole, ...] = WRITERS,
    ) -> tuple[User, R]:
        """The record for a member in one of ``roles`` (a lead or member by default; a
        reviewer, who reads only, gets 403)."""
        user, record = self.member(request, pk, purpose=purpose)
        require_role(user, record.workspace, *roles)
        return user, record

    def url(self, record: R, section: str = "") -> str:
        url = reverse(self.url_name, args=[record.pk])
        return f"{url}#{section}" if section else url

    def form(
        self,
        request: HttpRequest,
        record: R,
        form: forms.Form,
        *,
        title: str,
        service: Callable[[dict[str, Any]], Any],
        message: str | Callable[[Any], str],
        section: str = "",
        button: str = "Save",
        intro: str = "",
        success_url: str = "",
        template: str = "",
        **extra: Any,
    ) -> HttpResponse:
        """A form page about the record; back on the record's page (at ``section``) once the
        service has taken the form."""
        return form_page(
            request,
            form,
            template=template or self.template,
            context={"case": record, "title": title, "button": button, "intro": intro, **extra},
            service=service,
            message=message,
            success_url=success_url or self.url(record, section),
        )
