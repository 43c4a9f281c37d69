"""Forms for the training coordinator: courses, sessions, moving a booking, cancelling and
messaging a session, booking on someone's behalf, charges and reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.core.date_input import GovukDateField, GovukDateTimeField
from safeguarding.core.forms import (
    ModelMultipleChoiceField,
    RecordChoiceField,
    email_field,
    one_line,
    too_long,
)
from safeguarding.training.forms import APPROVAL_FIELD, BookingForm
from safeguarding.training.models import (
    ChargeStatus,
    Course,
    OrganisationType,
    Session,
    SessionStatus,
)


class CourseForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in django-stubs only; not subscriptable at run time
    eligible_organisation_types = forms.MultipleChoiceField(
        label="Open to",
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to open the course to everyone.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The title is in the subject of every email about the course.
        self.fields["title"].validators.append(one_line("The title"))
        if self.instance.pk:  # a course cannot be its own prerequisite
            field = self.fields["prerequisites"]
            assert isinstance(field, ModelMultipleChoiceField)  # noqa: S101
            field.queryset = Course.objects.exclude(pk=self.instance.pk)

    class Meta:
        model = Course
        fields = [
            "title",
            "summary",
            "outcomes",
            "audience",
            "level",
            "format",
            "topic",
            "prerequisites",
            "eligible_organisation_types",
            "needs_manager_approval",
            "late_cancellation_charge",
            "no_show_charge",
            "refresher_valid_months",
            "evaluation_required",
            "is_published",
        ]
        widgets = {"prerequisites": forms.CheckboxSelectMultiple}
        field_classes = {"prerequisites": ModelMultipleChoiceField}
        labels = {
            "late_cancellation_charge": "Charge for a late cancellation (£)",
            "no_show_charge": "Charge for not attending (£)",
            "refresher_valid_months": "Months before a refresher is due",
            "needs_manager_approval": "Bookings need the learner's manager to approve them",
            "evaluation_required": "Learners must evaluate the course to get a certificate",
            "is_published": "Published: people can see and book it",
        }
        error_messages = {
            "title": {"required": "Enter the course title"},
            "summary": {"required": "Enter a summary of the course"},
            "outcomes": {"required": "Enter what people will learn"},
            "audience": {"required": "Select who the course is for"},
            "level": {"required": "Select the course's level"},
            "format": {"required": "Select how the course is delivered"},
            "topic": {"required": "Select the course's topic"},
            "late_cancellation_charge": {
                "required": "Enter the charge for a late cancellation, or 0 for none"
            },
            "no_show_charge": {"required": "Enter the charge for not attending, or 0 for none"},
        }


def trainers(current: int | None = None) -> QuerySet[User]:
    """Active staff with the Trainer role (given on their page in People and access), and
    the session's current trainer, so editing a session never loses them silently."""
    holders = Q(is_active=True, groups__name=str(Role.TRAINER))
    if current is not None:
        holders |= Q(pk=current)
    return User.objects.filter(holders).distinct().order_by("full_name", "pk")


class TrainerField(RecordChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class SessionForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in django-stubs only; not subscriptable at run time
    trainer = TrainerField(
        label="Trainer",
        required=False,
        queryset=User.objects.none(),
        help_text=(
            "Staff with the Trainer role. The trainer sees this session's bookings and "
            "access needs."
        ),
    )
    starts_at = GovukDateTimeField(label="Starts", what="the session's start")
    ends_at = GovukDateTimeField(label="Ends", what="the session's end")
    bookings_close_at = GovukDateTimeField(
        label="Bookings close",
        what="the closing",
        required=False,
        hint="For example, 26 3 2027 and 5pm. Leave empty to take bookings until the start.",
    )

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "ends_at",
            "bookings_close_at",
            "online",
            "venue",
            "joining_instructions",
            "capacity",
            "trainer",
        ]
        error_messages = {"capacity": {"required": "Enter the number of places"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainer = self.fields["trainer"]
        assert isinstance(trainer, TrainerField)  # noqa: S101
        trainer.queryset = trainers(self.instance.trainer_id if self.instance.pk else None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("online") and not (data.get("venue") or "").strip():
            self.add_error("venue", "Enter the venue, or tick online")
        starts = data.get("starts_at")
        moved = self.instance.pk is None or "starts_at" in self.changed_data
        if starts and moved and starts <= timezone.now():
            self.add_error("starts_at", "The session must start in the future")
        return data


class MoveForm(forms.Form):
    to_session = RecordChoiceField(label="Move to session", queryset=Session.objects.none())

    def __init__(self, *args: Any, current: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_session"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = (
            Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
            .exclude(pk=current.pk)
            .select_related("course")
        )


def _text(
    label: str, limit: int, *, required: str, rows: int = 5, hint: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required, "max_length": too_long(label, limit)},
    )


class CancelSessionForm(forms.Form):
    message = _text(
        "Message to everyone booked and waiting",
        2000,
        required="Enter a message to the people booked and waiting",
        hint="Say why, and what happens next (for example, a new date). "
        "Do not name children, families or colleagues.",
    )


class SessionMessageForm(forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=150,
        validators=[one_line("The subject")],
        error_messages={
            "required": "Enter a subject",
            "max_length": too_long("Subject", 150),
        },
    )
    body = _text(
        "Message",
        5000,
        required="Enter the message",
        rows=8,
        hint="Do not name children, families or colleagues.",
    )
    include_waiting = forms.BooleanField(
        label="Send it to people on the waiting list too", required=False
    )


class StaffBookingForm(BookingForm):
    """Booking someone on their behalf: the public form's questions, about them."""

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, course=course, **kwargs)
        self.fields["email"] = email_field(
            label="Their work email address",
            help_text="We send their confirmation and a link to manage the booking here.",
            required_message="Enter their work email address",
            own_address=False,
        )
        about_them = {
            "full_name": ("Their full name", "Enter their full name"),
            "organisation": ("Organisation", "Enter the name of their organisation"),
            "organisation_type": ("Type of organisation", "Select their type of organisation"),
            "role": ("Their role", "Enter their role"),
        }
        for name, (label, required) in about_them.items():
            field = self.fields[name]
            field.label = label
            field.error_messages["required"] = required
            field.widget.attrs.pop("autocomplete", None)  # not the officer's own details
        self.fields["access_needs"].label = "Their access or dietary needs"
        if APPROVAL_FIELD in self.fields:
            self.fields[APPROVAL_FIELD] = email_field(
                label="Their manager's email address",
                help_text="This course needs their manager's approval; we email them a link.",
                required_message="Enter their manager's email address",
                own_address=False,
            )
        self.order_fields(
            ["full_name", "email", "organisation", "organisation_type", "role", APPROVAL_FIELD]
        )


class ReasonForm(forms.Form):
    reason = _text("Reason", 1000, required="Enter a reason", rows=3)

    def __init__(self, *args: Any, label: str, required: str, hint: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = hint
        field.error_messages["required"] = required
        field.error_messages["max_length"] = too_long(label, 1000)


class ChargeDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="Mark this charge as",
        choices=[(ChargeStatus.INVOICED, "Invoiced"), (ChargeStatus.WAIVED, "Waived")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose invoiced or waived"},
    )
    reason = _text(
        "Invoice reference or reason",
        1000,
        required="Enter the invoice reference, or why the charge is waived",
        rows=3,
        hint="For an invoice, its reference. For a waiver, why.",
    )


def _any(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ChargeFilterForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=_any("Any status", ChargeStatus.choices)
    )
    start = GovukDateField(label="Charged from", required=False)
    end = GovukDateField(label="Charged up to and including", required=False)

    def __init__(self, *args: Any, organisations: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = _any("All organisations", [(name, name) for name in organisations])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "Charged up to must be the same as or after charged from")
        return data


class RecordsForm(forms.Form):
    person = forms.CharField(
        label="Name or email address",
        required=False,
        max_length=200,
        error_messages={"max_length": too_long("Name or email address", 200)},
    )
    organisation = forms.CharField(
        label="Organisation",
        required=False,
        max_length=200,
        error_messages={"max_length": too_long("Organisation", 200)},
    )
