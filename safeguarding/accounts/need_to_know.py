"""Reads of restricted records: only members see them, outsiders get 404, every read is audited.

Later apps (case reviews, CDOP) use these instead of ``Model.objects.get``::

    reviews = restricted_for_user(CaseReview.objects.all(), user=request.user)
    review = get_restricted_or_404(CaseReview.objects.all(), user=request.user, pk=pk)

or ``RestrictedRecordMixin`` on a class-based detail view.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.http import Http404

from safeguarding.accounts.models import RecordMembership, User
from safeguarding.audit.services import audit_log

M = TypeVar("M", bound=models.Model)


def restricted_for_user(queryset: models.QuerySet[M], *, user: User) -> models.QuerySet[M]:
    """Only the records of ``queryset`` that ``user`` is a live member of."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    content_type = ContentType.objects.get_for_model(queryset.model)
    membership = RecordMembership.objects.active().filter(
        content_type=content_type,
        user=user,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return queryset.filter(Exists(membership))


def get_restricted_or_404(
    queryset: models.QuerySet[M], *, user: User, pk: Any, purpose: str = "view"
) -> M:
    """One restricted record for a member, audited as a read; 404 for everyone else.

    A 404 rather than a 403, so an outsider cannot even learn that the record exists.
    """
    try:
        record = restricted_for_user(queryset, user=user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None
    audit_log(
        action="accounts.restricted_record.read",
        actor=user,
        target=record,
        details={"purpose": purpose},
    )
    return record


class RestrictedRecordMixin:
    """For DetailView-style views over a restricted model: members only, reads audited."""

    request: Any
    kwargs: dict[str, Any]

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset()  # type: ignore[misc, no-any-return]  # from the view class

    def get_object(self, queryset: models.QuerySet[Any] | None = None) -> models.Model:
        record: models.Model = get_restricted_or_404(
            queryset if queryset is not None else self.get_queryset(),
            user=self.request.user,
            pk=self.kwargs["pk"],
        )
        return record
