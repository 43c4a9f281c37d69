"""Publishing a review: the re-identification check of each draft, a second person's
acceptance of what may stay, and publication itself, refused while any hit stands or the
report did not reach the national panel and the Department 7 working days before.

Services of the case, with the same shape as ``services``: one durable transaction each,
the actor's membership checked, the case locked, one audit entry with ids and counts only.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.casereviews.models import (
    CaseReview,
    DraftSource,
    IdentificationHit,
    PublicationCheck,
    PublishedReport,
    Stage,
)
from safeguarding.casereviews.reidentification import check_case, draft_lines, text_lines
from safeguarding.casereviews.services import (
    case_for_change,
    practice_review_of,
    publication_problems,
)
from safeguarding.core.crypto import lookup_hash
from safeguarding.workspaces.documents import check_document, read_upload
from safeguarding.workspaces.models import DocumentKind
from safeguarding.workspaces.selectors import require_role

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

OWN_CHECK = "You ran this check: a second person must accept what it found."


def _found_lookup(kind: str, found: str) -> str:
    return lookup_hash("text", f"{kind} {found}")


def latest_check(case: CaseReview) -> PublicationCheck | None:
    return PublicationCheck.objects.filter(case=case).order_by("-checked_at", "-id").first()


def standing_hits(check: PublicationCheck | None) -> list[IdentificationHit]:
    if check is None:
        return []
    return list(check.hits.filter(accepted_at__isnull=True))


@transaction.atomic(durable=True)
def publication_check_run(
    *, case: CaseReview, actor: User, text: str = "", upload: Any = None
) -> PublicationCheck:
    """Check a draft (an uploaded file, or pasted text) against everything the case holds.
    What a second person accepted in an earlier check stays accepted if found again."""
    case = case_for_change(case, actor)
    practice_review_of(case)
    if upload is not None:
        data = read_upload(upload)
        try:
            lines = draft_lines(data, check_document(data))
        except ValueError as error:
            raise ValidationError({"upload": str(error)}) from None
        draft, source = "\n".join(line.text for line in lines), DraftSource.FILE
    elif text.strip():
        lines, draft, source = text_lines(text), text.strip(), DraftSource.TEXT
    else:
        raise ValidationError("Upload the draft report, or paste its text")
    earlier = {
        (hit.kind, hit.found_lookup): hit
        for hit in IdentificationHit.objects.filter(
            publication_check__case=case, accepted_at__isnull=False
        )
    }
    check = PublicationCheck.objects.create(case=case, source=source, draft=draft, checked_by=actor)
    hits = []
    for found in check_case(case, lines):
        lookup = _found_lookup(found.kind, found.found)
        accepted = earlier.get((found.kind, lookup))
        hits.append(
            IdentificationHit(
                publication_check=check,
                kind=found.kind,
                pseudonym=found.pseudonym,
                location=found.location[:100],
                found=found.found,
                context=found.context,
                found_lookup=lookup,
                accepted_reason=accepted.accepted_reason if accepted else "",
                accepted_by=accepted.accepted_by if accepted else None,
                accepted_at=accepted.accepted_at if accepted else None,
            )
        )
    IdentificationHit.objects.bulk_create(hits)
    audit_log(
        action="casereviews.publication.checked",
        actor=actor,
        target=check,
        details={
            "case": case.pk,
            "hits": len(hits),
            "already_accepted": sum(hit.is_accepted for hit in hits),
        },
    )
    return check


def hit_accept(*, hit: IdentificationHit, reason: str, actor: User) -> IdentificationHit:
    """A second person (not whoever ran the check) accepts that a hit may stay, saying why.
    Accepting a hit of one's own check is refused, and the attempt is audited."""
    hit = IdentificationHit.objects.select_related("publication_check__case__workspace").get(
        pk=hit.pk
    )
    if hit.publication_check.checked_by_id == actor.pk:
        require_role(actor, hit.publication_check.case.workspace)
        audit_log(
            action="casereviews.publication.own_acceptance_refused",
            actor=actor,
            target=hit,
            details={"case": hit.publication_check.case_id},
        )
        raise ValidationError(OWN_CHECK)
    with transaction.atomic(durable=True):
        case = case_for_change(hit.publication_check.case, actor)
        hit = IdentificationHit.objects.select_for_update().get(pk=hit.pk)
        if hit.is_accepted:
            raise ValidationError("This has already been accepted")
        if not reason.strip():
            raise ValidationError({"reason": "Enter why this can stay in the report"})
        hit.accepted_reason = reason.strip()
        hit.accepted_by = actor
        hit.accepted_at = timezone.now()
        hit.save(update_fields=["accepted_reason", "accepted_by", "accepted_at"])
        audit_log(
            action="casereviews.publication.hit_accepted",
            actor=actor,
            target=hit,
            details={"case": case.pk, "kind": hit.kind},
        )
    return hit


def publication_blockers(case: CaseReview) -> list[str]:
    """Why the case's report cannot be published today (empty when it can)."""
    review = practice_review_of(case)
    if review.published_on or review.improvements_published_on:
        return ["The review has already been published, or its improvements were"]
    problems = publication_problems(review, timezone.localdate())
    check = latest_check(case)
    if check is None:
        problems.append("Check the final draft for anything that could identify someone")
    elif standing := standing_hits(check):
        problems.append(
            f"The latest check found {len(standing)} thing(s) that could identify someone: "
            "fix the draft and check it again, or have a second person accept each one"
        )
    return problems


@transaction.atomic(durable=True)
def report_publish(
    *, case: CaseReview, title: str, summary: str = "", upload: Any, actor: User
) -> PublishedReport:
    """Publish the review's report (a PDF) on the public site today. The case's lead only;
    refused while ``publication_blockers`` names anything."""
    case = case_for_change(case, actor, lead_only=True)
    problems = publication_blockers(case)
    if problems:
        raise ValidationError(problems)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": "Enter the report's title as it will be published"})
    data = read_upload(upload)
    if check_document(data) != DocumentKind.PDF:
        raise ValidationError({"upload": "The published report must be a PDF"})
    today = timezone.localdate()
    report = PublishedReport(
        case=case,
        title=title,
        summary=summary.strip(),
        published_on=today,
        pdf=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        published_by=actor,
    )
    report.full_clean()
    report.save()
    review = practice_review_of(case)
    review.published_on = today
    review.save(update_fields=["published_on"])
    case.stage = Stage.PUBLISHED
    case.save(update_fields=["stage"])
    audit_log(
        action="casereviews.report.published",
        actor=actor,
        target=report,
        details={"case": case.pk, "size": len(data)},
    )
    return report


@transaction.atomic(durable=True)
def report_not_published(
    *, case: CaseReview, reason: str, improvements_published_on: Any, actor: User
) -> CaseReview:
    """The partners decided not to publish the report: the reasons, and when the
    improvements to be made were published instead. The case's lead only."""
    case = case_for_change(case, actor, lead_only=True)
    review = practice_review_of(case)
    if review.published_on:
        raise ValidationError("The report has been published")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the report is not being published"})
    if improvements_published_on > timezone.localdate():
        raise ValidationError(
            {"improvements_published_on": "The date must be today or in the past"}
        )
    review.not_published_reason = reason.strip()
    review.improvements_published_on = improvements_published_on
    review.full_clean()
    review.save(update_fields=["not_published_reason", "improvements_published_on"])
    case.stage = Stage.NOT_PUBLISHED
    case.save(update_fields=["stage"])
    audit_log(
        action="casereviews.report.not_published",
        actor=actor,
        target=review,
        details={"case": case.pk},
    )
    return case
