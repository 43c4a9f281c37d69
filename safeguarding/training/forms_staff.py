"""Forms for the training coordinator: courses, sessions, moving a booking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.core.forms import LocalDateTimeField, one_line
from safeguarding.training.models import Course, OrganisationType, Session, SessionStatus

DATETIME_FORMATS = ["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _datetime_field(label: str, *, required: bool = True) -> forms.DateTimeField:
    return LocalDateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        help_text="For example, 2027-03-27 09:30",
        error_messages={
            "invalid": "Enter a date and time like 2027-03-27 09:30",
        },
        widget=forms.DateTimeInput(attrs={"class": "govuk-input--width-20"}),
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


def trainers(current: int | None = None) -> QuerySet[User]:
    """Active staff with the Trainer role (given on their page in People and access), and
    the session's current trainer, so editing a session never loses them silently."""
    holders = Q(is_active=True, groups__name=str(Role.TRAINER))
    if current is not None:
        holders |= Q(pk=current)
    return User.objects.filter(holders).distinct().order_by("full_name", "pk")


class TrainerField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only; not subscriptable at run time
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
    starts_at = _datetime_field("Starts")
    ends_at = _datetime_field("Ends")
    bookings_close_at = _datetime_field("Bookings close", required=False)

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainer = self.fields["trainer"]
        assert isinstance(trainer, TrainerField)  # noqa: S101
        trainer.queryset = trainers(self.instance.trainer_id if self.instance.pk else None)
        self.fields[
            "bookings_close_at"
        ].help_text = "For example, 2027-03-26 17:00. Leave empty to take bookings until the start."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("online") and not (data.get("venue") or "").strip():
            self.add_error("venue", "Enter the venue, or tick online")
        starts = data.get("starts_at")
        if starts and starts <= timezone.now():
            self.add_error("starts_at", "The session must start in the future")
        return data


class MoveForm(forms.Form):
    to_session = forms.ModelChoiceField(label="Move to session", queryset=Session.objects.none())

    def __init__(self, *args: Any, current: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_session"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = (
            Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
            .exclude(pk=current.pk)
            .select_related("course")
        )
