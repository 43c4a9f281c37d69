"""Certificates after full attendance (and evaluation when asked), their public verification,
and evaluations only from attendees."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.training import links as training_links
from safeguarding.training.certificates import EvaluationRefused, evaluation_submit
from safeguarding.training.models import (
    Attendance,
    Booking,
    Certificate,
    Evaluation,
    Session,
    SessionStatus,
)
from safeguarding.training.staff_services import session_close
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def closed_session_with(attendance: str, **course: object) -> Booking:
    start = timezone.now() - timedelta(days=1)
    session = SessionFactory(
        course=CourseFactory(**course),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        bookings_close_at=start,
    )
    booking = BookingFactory(session=session, full_name="Chidi Okafor", attendance=attendance)
    session_close(session=session, actor=_coordinator())
    booking.refresh_from_db()
    return booking


def _coordinator() -> User:
    from tests.factories import UserFactory

    return UserFactory(roles=[str(Role.TRAINING_COORDINATOR)])


def token_for(booking: Booking) -> str:
    url = training_links.my_training_url(booking.email, booking_id=booking.pk)
    return url.rstrip("/").rsplit("/", 1)[1]


def test_full_attendance_earns_a_pdf_certificate_from_my_training(client: Client) -> None:
    booking = closed_session_with(Attendance.PRESENT)

    response = client.get(reverse("training:certificate", args=[token_for(booking), booking.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert booking.certificate.code.encode() in response.content


@pytest.mark.parametrize(
    "name",
    [
        "Łucja Wiśniewska-Øberg",  # Polish and Norwegian letters outside Latin-1
        "Nguyễn Thị Hương",  # Vietnamese
        "Ștefan Dumitrașcu",  # Romanian
        "Şükrü Gündoğdu",  # Turkish
        "Σοφία Παπαδοπούλου",  # Greek
        "Олександр Шевченко",  # Ukrainian
        "Zoe\u0308 Fraser",  # "ë" typed as e + combining diaeresis
    ],
)
def test_the_certificate_prints_the_name_as_written(name: str) -> None:
    from pypdf import PdfReader

    from safeguarding.training.certificates import certificate_pdf

    booking = closed_session_with(Attendance.PRESENT, title="Neglect: Ōtautahi approach")
    Booking.objects.filter(pk=booking.pk).update(full_name=name)
    booking.certificate.refresh_from_db()

    pdf = PdfReader(io.BytesIO(certificate_pdf(booking.certificate)))
    text = pdf.pages[0].extract_text()

    assert unicodedata.normalize("NFC", name) in text
    assert "Neglect: Ōtautahi approach" in text
    assert "?" not in text.replace(booking.certificate.code, "")


def test_late_arrival_earns_no_certificate() -> None:
    booking = closed_session_with(Attendance.LATE)

    assert not Certificate.objects.filter(booking=booking).exists()


def test_the_verification_page_shows_only_name_course_and_date(client: Client) -> None:
    booking = closed_session_with(Attendance.PRESENT)

    page = client.get(
        reverse("training:verify", args=[booking.certificate.code.lower()])
    ).content.decode()

    assert "This certificate is genuine" in page
    assert "Chidi Okafor" in page
    assert booking.session.course.title in page
    assert booking.email not in page
    assert booking.organisation not in page


def test_an_unknown_code_is_not_verified(client: Client) -> None:
    response = client.get(reverse("training:verify", args=["NOTACODE1234"]))

    assert response.status_code == 404
    assert "cannot find" in response.content.decode()


def test_a_refresher_certificate_shows_its_expiry(client: Client) -> None:
    booking = closed_session_with(Attendance.PRESENT, refresher_valid_months=36)
    session_day = timezone.localdate(booking.session.starts_at)

    expires = booking.certificate.expires_on
    page = client.get(reverse("training:verify", args=[booking.certificate.code])).content.decode()

    assert expires == date(session_day.year + 3, session_day.month, session_day.day)
    assert "Valid until" in page


def test_when_evaluation_is_required_the_certificate_waits_for_it(client: Client) -> None:
    booking = closed_session_with(Attendance.PRESENT, evaluation_required=True)
    waiting = Certificate.objects.filter(booking=booking).exists()

    client.post(
        reverse("training:evaluation", args=[token_for(booking), booking.pk, "post_course"]),
        {"rating": "5", "confidence": "4", "comments": "Useful"},
    )

    assert not waiting
    assert Certificate.objects.filter(booking=booking).exists()
    assert Evaluation.objects.get().rating == 5


def test_an_evaluation_without_a_rating_is_answered_400_with_the_error_summary(
    client: Client,
) -> None:
    booking = closed_session_with(Attendance.PRESENT)

    response = client.post(
        reverse("training:evaluation", args=[token_for(booking), booking.pk, "post_course"]),
        {"comments": "Useful"},
    )

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_someone_absent_cannot_evaluate(client: Client) -> None:
    booking = closed_session_with(Attendance.ABSENT)

    response = client.post(
        reverse("training:evaluation", args=[token_for(booking), booking.pk, "post_course"]),
        {"rating": "1", "confidence": "1"},
    )

    assert response.status_code == 403
    assert "Only people who attended" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_an_evaluation_before_the_session_closes_is_refused() -> None:
    booking = BookingFactory(attendance=Attendance.PRESENT)

    with pytest.raises(EvaluationRefused):
        evaluation_submit(
            booking_id=booking.pk, kind="post_course", rating=4, confidence=4, comments=""
        )


def test_an_evaluation_is_accepted_once(client: Client) -> None:
    booking = closed_session_with(Attendance.PRESENT)
    evaluation_submit(
        booking_id=booking.pk, kind="post_course", rating=4, confidence=4, comments=""
    )

    with pytest.raises(EvaluationRefused, match="already"):
        evaluation_submit(
            booking_id=booking.pk, kind="post_course", rating=2, confidence=2, comments=""
        )
    assert Evaluation.objects.count() == 1


def test_the_course_page_summarises_evaluations_for_the_coordinator(
    client: Client, make_user: Callable[..., User]
) -> None:
    from tests.conftest import sign_in

    booking = closed_session_with(Attendance.PRESENT)
    evaluation_submit(
        booking_id=booking.pk, kind="post_course", rating=4, confidence=2, comments=""
    )
    sign_in(client, make_user(Role.TRAINING_COORDINATOR))

    page = client.get(
        reverse("training:staff_course", args=[booking.session.course_id])
    ).content.decode()

    assert "After the course" in page
    assert "4.0" in page


def test_closing_twice_is_refused() -> None:
    booking = closed_session_with(Attendance.PRESENT)
    session = Session.objects.get(pk=booking.session_id)

    assert session.status == SessionStatus.CLOSED
    with pytest.raises(Exception, match="already closed"):
        session_close(session=session, actor=_coordinator())


def test_without_the_built_font_the_error_says_how_to_build_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from safeguarding.training import certificates

    booking = closed_session_with(Attendance.PRESENT)
    monkeypatch.setattr(certificates, "FONT_DIR", tmp_path)

    with pytest.raises(ImproperlyConfigured, match="make assets"):
        certificates.certificate_pdf(booking.certificate)
