"""When the retention period of a person's own record (``privacy.Person``) starts."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from safeguarding.privacy.models.person import Person

# Records that show a person is still in touch with us (the time each was last made), but
# do not keep the person on their own: they go with the person.
ACTIVITY = {"privacy.SecurityQuestion": "set_at", "privacy.CallerVerification": "started_at"}


def person_retention_from(person: str = "pk", created: str = "created_at") -> Any:
    """When a person's retention period starts: their last contact with us (first recorded,
    set security questions, had a call checked), once nothing else refers to them (a rights
    request, restriction, authorisation, disclosure: each of those has its own rule, and the
    person stays while any remains). NULL, so never due, while anything refers to them.

    ``person`` and ``created`` name the person's key and creation time from the row being
    swept, so records that live and die with the person can share the trigger.
    """
    links = []
    activity: list[Any] = [F(created)]
    for relation in Person._meta.related_objects:
        model = relation.related_model
        assert not isinstance(model, str)  # noqa: S101  (resolved once the apps are ready)
        related = model._base_manager.filter(**{relation.field.name: OuterRef(person)})
        field = ACTIVITY.get(model._meta.label)
        if field is None:
            links.append(Exists(related))
        else:
            latest = related.order_by().values(relation.field.name).annotate(at=Max(field))
            activity.append(Coalesce(Subquery(latest.values("at")), F(created)))
    last_contact = Greatest(*activity) if len(activity) > 1 else activity[0]
    if not links:
        return last_contact
    return Case(
        When(reduce(operator.or_, links), then=Value(None)),
        default=last_contact,
        output_field=DateTimeField(),
    )
