"""The data protection lead's person search, a person's page, and holding their records.

The search is posted, never put in the address. Each person found is given a random key,
kept in the member of staff's session with the address it stands for, and their page is
reached by that key: it means nothing outside that session, so no address, name or record id
is in a URL, a log line or a browser history. Partnership administrators may search and look;
only the data protection lead places holds.
"""

from __future__ import annotations

import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.accounts.selectors import staff_user_with_role, user_has_role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import posted
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.people.forms import PersonSearchForm
from safeguarding.privacy.people.records import PersonMatch, people_search, person_records
from safeguarding.privacy.people.selectors import requests_about
from safeguarding.privacy.retention.forms import HoldDetailsForm
from safeguarding.privacy.retention.services import held_message, legal_holds_place

SESSION_KEY = "privacy.people_found"
REMEMBERED = 50  # people found, per session, whose pages can be opened
FINDING = "finding a person's records"


def _viewer(request: HttpRequest) -> User:
    return staff_user_with_role(request, *DATA_PROTECTION_ROLES)


def _remember(request: HttpRequest, match: PersonMatch) -> str:
    """The key for this person's page in this session (the same one if already found)."""
    found: dict[str, dict[str, str]] = dict(request.session.get(SESSION_KEY) or {})
    for key, person in found.items():
        if person.get("email") == match.email:
            found[key] = {"email": match.email, "name": match.name}
            request.session[SESSION_KEY] = found
            return key
    key = secrets.token_urlsafe(12)
    found[key] = {"email": match.email, "name": match.name}
    while len(found) > REMEMBERED:  # the oldest first
        found.pop(next(iter(found)))
    request.session[SESSION_KEY] = found
    return key


def _found(request: HttpRequest, key: str) -> dict[str, str]:
    person = (request.session.get(SESSION_KEY) or {}).get(key)
    if not isinstance(person, dict) or not person.get("email"):
        raise Http404("Search for the person again")
    return person


@require_http_methods(["GET", "HEAD", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    form = PersonSearchForm(posted(request))
    people = None
    if request.method == "POST" and form.is_valid():
        matches = people_search(form.cleaned_data["query"])
        audit_read(actor=user, what="privacy.person_search", purpose=FINDING, records=len(matches))
        people = [(match, _remember(request, match)) for match in matches]
    return render(
        request,
        "privacy/people/search.html",
        {"form": form, "people": people},
        status=form_status(form),
    )


@require_safe
def person(request: HttpRequest, key: str) -> HttpResponse:
    user = _viewer(request)
    found = _found(request, key)
    groups = person_records(SubjectKey.for_email(found["email"]))
    audit_read(
        actor=user,
        what="privacy.person_records",
        purpose=FINDING,
        records=sum(group.count for group in groups),
    )
    return render(
        request,
        "privacy/people/person.html",
        {
            "key": key,
            "found": found,
            "groups": groups,
            "requests": requests_about(found["email"]),
            "can_hold": user_has_role(user, Role.DATA_PROTECTION_LEAD)
            and any(group.may_be_held for group in groups),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hold(request: HttpRequest, key: str) -> HttpResponse:
    actor = staff_user_with_role(request, Role.DATA_PROTECTION_LEAD)
    found = _found(request, key)
    subject = SubjectKey.for_email(found["email"])
    return form_page(
        request,
        HoldDetailsForm(posted(request)),
        template="privacy/people/hold.html",
        context={
            "key": key,
            "found": found,
            "groups": [group for group in person_records(subject) if group.may_be_held],
        },
        service=lambda data: legal_holds_place(
            subjects=[subject], actor=actor, placed_from="person", **data
        ),
        message=held_message,
        success_url=reverse("subjects:person", args=[key]),
    )
