"""The disclosure register: the list, recording a disclosure and approving it."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import staff_user_with_role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.core.ratelimit import Limit
from safeguarding.privacy.approvals import may_approve
from safeguarding.privacy.callers.forms import (
    DisclosureForm,
)
from safeguarding.privacy.disclosures.selectors import disclosures_page
from safeguarding.privacy.disclosures.services import disclosure_approve, disclosure_record
from safeguarding.privacy.models.identity import (
    DisclosureRecord,
    LegalBasis,
)

SESSION_KEY = "privacy.caller_verification"
# Answers never appear in error reports.
SENSITIVE = sensitive_post_parameters()

SECURITY_QUESTIONS_LIMIT = Limit("security-questions")


def _register_keeper(request: HttpRequest) -> User:
    return staff_user_with_role(request, *DATA_PROTECTION_ROLES)


@require_http_methods(["GET", "HEAD"])
def disclosures(request: HttpRequest) -> HttpResponse:
    staff = _register_keeper(request)
    page = disclosures_page(request.GET.get("page"))
    audit_read(
        actor=staff,
        what="privacy.disclosure_register",
        purpose="keeping the disclosure register",
        records=len(page.object_list),
    )
    return render(request, "privacy/identity/disclosures.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_new(request: HttpRequest) -> HttpResponse:
    staff = _register_keeper(request)
    return form_page(
        request,
        DisclosureForm(posted(request)),
        template="privacy/identity/disclosure_new.html",
        service=lambda data: disclosure_record(
            email=data["email"],
            requester_organisation=data["requester_organisation"],
            requester=data["requester"],
            legal_basis=data["legal_basis"],
            legal_basis_description=data["legal_basis_description"],
            what_disclosed=data["what_disclosed"],
            disclosed_on=data["disclosed_on"],
            withhold_from_subject=data["withhold_from_subject"],
            exemption_reason=data["exemption_reason"],
            actor=staff,
        ),
        message="The disclosure is recorded. Another colleague must now approve it.",
        success_url=lambda record: reverse(
            "disclosures:disclosure", kwargs={"public_id": record.public_id}
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def disclosure(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _register_keeper(request)
    record = get_object_or_404(
        DisclosureRecord.objects.select_related("person", "recorded_by", "approved_by"),
        public_id=public_id,
    )
    error_message = ""
    audit_read(
        actor=staff,
        what="privacy.disclosure",
        purpose="keeping the disclosure register",
        target=record,
    )
    if request.method == "POST":
        try:
            disclosure_approve(disclosure=record, actor=staff)
        except ValidationError as error:
            error_message = " ".join(error.messages)
        else:
            messages.success(request, "The disclosure is approved.")
            return redirect("disclosures:disclosure", public_id=record.public_id)
    return render(
        request,
        "privacy/identity/disclosure.html",
        {
            "record": record,
            "basis_label": LegalBasis(record.legal_basis).label,
            "can_approve": record.awaiting_approval
            and may_approve(staff, recorded_by_id=record.recorded_by_id),
            "error_message": error_message,
        },
    )
