"""Learning and development: courses, their sessions, bookings and what follows a session.

A place on a session is held by a booking awaiting its manager's approval, a confirmed
booking, or an open waiting-list offer. Capacity is checked with the session row locked
(``safeguarding.training.services``), so the count and the insert happen under one lock.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.core import dates


class Audience(models.TextChoices):
    ALL_PRACTITIONERS = "all", "All practitioners working with children and families"
    DESIGNATED_LEADS = "designated_leads", "Designated safeguarding leads"
    MANAGERS = "managers", "Managers and supervisors"
    VOLUNTEERS = "volunteers", "Volunteers and community groups"


class Level(models.TextChoices):
    LEVEL_1 = "level_1", "Level 1 (introductory)"
    LEVEL_2 = "level_2", "Level 2 (core)"
    LEVEL_3 = "level_3", "Level 3 (advanced)"
    SPECIALIST = "specialist", "Specialist"


class Format(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE_LIVE = "online_live", "Online, live"
    ELEARNING = "elearning", "E-learning"


class Topic(models.TextChoices):
    CORE = "core", "Core safeguarding"
    NEGLECT = "neglect", "Neglect"
    EXPLOITATION = "exploitation", "Exploitation"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    ONLINE_SAFETY = "online_safety", "Online safety"
    INFORMATION_SHARING = "information_sharing", "Information sharing"


class OrganisationType(models.TextChoices):
    SCHOOL = "school", "School or education"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Social care"
    VOLUNTARY = "voluntary", "Voluntary or community"
    OTHER = "other", "Other"


class Course(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField()
    outcomes = models.TextField(help_text="What people will be able to do; one per line.")
    audience = models.CharField(max_length=30, choices=Audience.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for"
    )
    # Empty: open to every organisation type.
    eligible_organisation_types = models.JSONField(default=list, blank=True)
    needs_manager_approval = models.BooleanField(default=False)
    late_cancellation_charge = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    no_show_charge = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    # Refresher courses: how long a certificate stays valid; None means it does not expire.
    refresher_valid_months = models.PositiveSmallIntegerField(null=True, blank=True)
    evaluation_required = models.BooleanField(default=False)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def outcome_lines(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def is_open_to(self, organisation_type: str) -> bool:
        return not self.eligible_organisation_types or (
            organisation_type in self.eligible_organisation_types
        )


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True, help_text="Empty for online sessions.")
    online = models.BooleanField(default=False)
    joining_instructions = models.TextField(blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    bookings_close_at = models.DateTimeField(help_text="No bookings or offers after this.")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions",
    )
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The iCalendar SEQUENCE of this session's events: raised whenever its time or place
    # changes and when it is cancelled, so calendars apply the newest message.
    calendar_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(bookings_close_at__lte=models.F("starts_at")),
                name="session_bookings_close_by_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {dates.moment(self.starts_at)}"

    @property
    def places_left(self) -> int:
        """Free places, for a session annotated by ``selectors.with_places``."""
        booked, offered = getattr(self, "booked", None), getattr(self, "offered", None)
        if booked is None or offered is None:
            raise AttributeError("places_left needs a session from selectors.with_places")
        return max(self.capacity - int(booked) - int(offered), 0)

    @property
    def where(self) -> str:
        return "Online" if self.online else self.venue

    def accepts_bookings(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == SessionStatus.SCHEDULED and now < self.bookings_close_at


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for manager's approval"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined by manager"
    CANCELLED = "cancelled", "Cancelled"


# Statuses that hold a place.
HOLDING = (BookingStatus.AWAITING_APPROVAL, BookingStatus.CONFIRMED)


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    ABSENT = "absent", "Absent"


ATTENDED = (Attendance.PRESENT, Attendance.LATE, Attendance.LEFT_EARLY)


class Booking(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()  # normalised: stripped, lower case
    organisation = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    role = models.CharField(max_length=200)
    manager_email = models.EmailField(blank=True)  # only for courses needing approval
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)  # manager approved or declined
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    first_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    last_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    follow_up_invited_at = models.DateTimeField(null=True, blank=True)
    # The partnership cancelled the session: no late-cancellation charge.
    cancelled_by_partnership = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=[s.value for s in HOLDING]),
                name="one_place_per_email_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING

    @property
    def attended(self) -> bool:
        return self.attendance in ATTENDED


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a place"
    ACCEPTED = "accepted", "Took the place"
    EXPIRED = "expired", "Offer expired"
    LEFT = "left", "Left the waiting list"
    CLOSED = "closed", "No place became free"
    REMOVED = "removed", "Removed by the training team"
    SESSION_CANCELLED = "session_cancelled", "The session was cancelled"


ACTIVE_WAITING = (WaitingStatus.WAITING, WaitingStatus.OFFERED)


class WaitingListEntry(models.Model):
    """A place in the queue for a full session; FIFO by ``joined_at`` then id."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="waiting_list")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    role = models.CharField(max_length=200)
    manager_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    joined_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="from_waiting"
    )
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name_plural = "waiting list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=[s.value for s in ACTIVE_WAITING]),
                name="one_waiting_place_per_email_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"Waiting list entry {self.pk}"


class AccessNeeds(models.Model):
    """Access or dietary needs: may be health data (special category). Shown only to the
    session's coordinator and trainer; deleted 30 days after the session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="access_needs")
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="access_needs"
    )
    waiting_entry = models.OneToOneField(
        WaitingListEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_needs",
    )
    details = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "access needs"

    def __str__(self) -> str:
        return f"Access needs {self.pk}"


class ChargeReason(models.TextChoices):
    LATE_CANCELLATION = "late_cancellation", "Cancelled after the cut-off"
    NO_SHOW = "no_show", "Did not attend"


class ChargeStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "Not invoiced yet"
    INVOICED = "invoiced", "Invoiced"
    WAIVED = "waived", "Waived"


class Charge(models.Model):
    """A line charged to the organisation; no payment is processed here. The coordinator
    marks each one invoiced or waived, with a reason."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="charges")
    organisation = models.CharField(max_length=200)
    reason = models.CharField(max_length=20, choices=ChargeReason.choices)
    amount = models.DecimalField(max_digits=7, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=ChargeStatus.choices, default=ChargeStatus.OUTSTANDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "reason"], name="one_charge_per_reason")
        ]

    def __str__(self) -> str:
        return f"Charge {self.pk}"


def new_verification_code() -> str:
    # 12 characters from an alphabet without look-alikes; about 60 bits.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Certificate(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=12, unique=True, default=new_verification_code)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField(null=True, blank=True)
    # Issued or reissued by hand by the coordinator: who, and why.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issue_reason = models.TextField(blank=True)
    times_reissued = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"Certificate {self.code}"


class EvaluationKind(models.TextChoices):
    POST_COURSE = "post_course", "After the course"
    FOLLOW_UP = "follow_up", "Impact, some weeks later"


class Evaluation(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(max_length=20, choices=EvaluationKind.choices)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    confidence = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="one_evaluation_per_kind")
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.pk}"


class SessionMessage(models.Model):
    """A message the coordinator sent to everyone on a session (or with its cancellation);
    the email tasks read it by id."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(max_length=150)
    body = models.TextField()
    is_cancellation = models.BooleanField(default=False)
    recipients = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"Session message {self.pk}"


class CatalogueVersion(models.Model):
    """One row whose ``value`` the database raises, in the same transaction, on every change
    to a course, its prerequisites, a session, a booking or a waiting-list entry (triggers
    from migration 0004, so bulk updates, deletes by the retention sweep and raw SQL count
    too). The public catalogue and course pages cache their content under this number
    (``training.page_cache``), so a cached page never outlives the data it shows."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Catalogue version {self.value}"
