"""Certificates (issued for the attendance marks in TRAINING_CERTIFICATE_STATUSES, and a
completed evaluation where the course asks for one, or by hand by the coordinator with a
reason) and evaluations (only from people who attended a closed session)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core import dates
from safeguarding.core import pdf as pdf_helpers
from safeguarding.core.links import absolute_url
from safeguarding.training import emails
from safeguarding.training.models import (
    ATTENDED,
    Attendance,
    Booking,
    BookingStatus,
    Certificate,
    Evaluation,
    EvaluationKind,
    SessionStatus,
    new_verification_code,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


class EvaluationRefused(ValidationError):
    pass


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earns_certificate(attendance: str) -> bool:
    """Whether this attendance mark earns a certificate (TRAINING_CERTIFICATE_STATUSES)."""
    return attendance in settings.TRAINING_CERTIFICATE_STATUSES and attendance != Attendance.ABSENT


def certificate_due(booking: Booking) -> bool:
    if booking.status != BookingStatus.CONFIRMED or not earns_certificate(booking.attendance):
        return False
    if booking.session.status != SessionStatus.CLOSED:
        return False
    if booking.session.course.evaluation_required:
        return booking.evaluations.filter(kind=EvaluationKind.POST_COURSE).exists()
    return True


def _expiry(booking: Booking) -> date | None:
    months = booking.session.course.refresher_valid_months
    session_day = timezone.localdate(booking.session.starts_at)
    return _add_months(session_day, months) if months else None


def certificate_issue_if_due(booking: Booking) -> Certificate | None:
    """Issue the certificate once it is due; call inside the transaction that made it due."""
    if Certificate.objects.filter(booking=booking).exists() or not certificate_due(booking):
        return None
    certificate = Certificate.objects.create(booking=booking, expires_on=_expiry(booking))
    audit_log(action="training.certificate.issued", actor=None, target=certificate)
    emails.queue("certificate", booking=booking)
    return certificate


class CertificateRefused(ValidationError):
    pass


def certificate_issue_by_hand(*, booking_id: int, reason: str, actor: User) -> Certificate:
    """The coordinator issues a certificate the rules did not (partial attendance, an
    evaluation not needed after all), or reissues one (a corrected name, say: it gets a new
    verification code, and the old one stops verifying). Only for someone who attended a
    closed session; the reason is kept on the certificate and in the audit."""
    reason = reason.strip()
    if not reason:
        raise CertificateRefused({"reason": "Enter why you are issuing this certificate"})
    with transaction.atomic(durable=True):
        booking = (
            Booking.objects.select_for_update().select_related("session__course").get(pk=booking_id)
        )
        if booking.status != BookingStatus.CONFIRMED or booking.attendance not in ATTENDED:
            raise CertificateRefused("Only someone marked as attending can have a certificate.")
        if booking.session.status != SessionStatus.CLOSED:
            raise CertificateRefused("Close the session first, then issue certificates.")
        certificate = Certificate.objects.select_for_update().filter(booking=booking).first()
        if certificate is None:
            certificate = Certificate(booking=booking)
            action = "training.certificate.issued"
        else:
            certificate.code = new_verification_code()
            certificate.times_reissued += 1
            action = "training.certificate.reissued"
        certificate.issued_at = timezone.now()
        certificate.expires_on = _expiry(booking)
        certificate.issued_by = actor
        certificate.issue_reason = reason
        certificate.save()
        audit_log(action=action, actor=actor, target=certificate, reason=reason)
        emails.queue("certificate", booking=booking)
    return certificate


def evaluation_submit(
    *, booking_id: int, kind: str, rating: int, confidence: int, comments: str
) -> Evaluation:
    """Only someone who attended a closed session may evaluate it, once per form."""
    with transaction.atomic(durable=True):
        booking = (
            Booking.objects.select_for_update().select_related("session__course").get(pk=booking_id)
        )
        if booking.session.status != SessionStatus.CLOSED or booking.attendance not in ATTENDED:
            raise EvaluationRefused(
                "Only people who attended a session can evaluate it, once it has finished."
            )
        evaluation = Evaluation(
            booking=booking,
            kind=kind,
            rating=rating,
            confidence=confidence,
            comments=comments.strip(),
        )
        evaluation.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            raise EvaluationRefused("You have already sent this evaluation. Thank you.") from None
        audit_log(
            action="training.evaluation.submitted",
            actor=None,
            target=evaluation,
            details={"booking": booking.pk, "kind": kind},
        )
        certificate_issue_if_due(booking)
    return evaluation


# The certificate font's folder (``core.pdf``); a test points it elsewhere.
FONT_DIR = pdf_helpers.FONT_DIR
FONT = pdf_helpers.FONT
_text = pdf_helpers.text


def certificate_pdf(certificate: Certificate) -> bytes:
    booking = certificate.booking
    session = booking.session
    pdf = pdf_helpers.new_document(
        title=f"Certificate {certificate.code}", orientation="landscape", font_dir=FONT_DIR
    )
    pdf.add_page()
    pdf.set_font(FONT, "B", 28)
    pdf.cell(0, 30, "Certificate of attendance", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 16)
    pdf.cell(0, 12, "This is to certify that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 22)
    pdf.cell(0, 16, _text(booking.full_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 16)
    pdf.cell(0, 12, "attended", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 12, _text(session.course.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 14)
    day = timezone.localdate(session.starts_at)
    pdf.cell(0, 10, f"on {dates.day(day)}", align="C", new_x="LMARGIN", new_y="NEXT")
    if certificate.expires_on:
        pdf.cell(
            0,
            10,
            f"Valid until {dates.day(certificate.expires_on)}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(10)
    pdf.set_font(FONT, "", 11)
    verify = absolute_url(f"/certificates/verify/{certificate.code}/")
    pdf.cell(
        0, 8, _text(str(settings.PARTNERSHIP["name"])), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(
        0,
        8,
        f"Verification code {certificate.code}: {verify}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return pdf_helpers.output(pdf)
