"""Access table entries for the rights request staff pages (see tests/access.py).

The data protection lead handles requests; a partnership administrator may look at the queue
and at a request but change nothing and download nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import (
    RequestChannel,
    RequestKind,
    RequestStatus,
    RightsRequest,
)
from safeguarding.privacy.models.rights_outcomes import Exemption, WithheldItem
from safeguarding.privacy.rights.services import refresh_due
from tests.access import Access, acted_on, only


def open_request(
    *,
    email: str | None = "subject@example.org",
    kind: str = RequestKind.ACCESS,
    received_at: datetime | None = None,
    due_on: Any = None,
    status: str = RequestStatus.OPEN,
    full_name: str = "Sam Subject",
) -> RightsRequest:
    """An open request, as if confirmed at the moment it was received."""
    person = (
        Person.objects.get_or_create(email=email, defaults={"full_name": full_name})[0]
        if email
        else Person.objects.create(full_name=full_name)
    )
    received = received_at or timezone.now()
    request = RightsRequest.objects.create(
        person=person,
        kind=kind,
        details="All of it",
        channel=RequestChannel.WEB,
        received_at=received,
        identity_confirmed_at=received if status != RequestStatus.AWAITING_CONFIRMATION else None,
        status=status,
        due_on=due_on,
    )
    if due_on is None and status != RequestStatus.AWAITING_CONFIRMATION:
        refresh_due(request)
        request.save(update_fields=["due_on"])
    return request


def withheld_item(request: RightsRequest | None = None, **options: Any) -> WithheldItem:
    """An item proposed for withholding from an access request, not yet signed off."""
    from tests.factories import UserFactory

    return WithheldItem.objects.create(
        request=request or open_request(),
        exemption=options.get("exemption", Exemption.THIRD_PARTY),
        description=options.get("description", "A note that also names another person"),
        justification=options.get("justification", "Their mother has not agreed"),
        model_label=options.get("model_label", ""),
        object_id=options.get("object_id", ""),
        proposed_by=options.get("proposed_by") or UserFactory(),
    )


def _item_kwargs() -> dict[str, Any]:
    item = withheld_item()
    return {"pk": item.request_id, "item_pk": item.pk}


def _request_kwargs(**options: Any) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        return {"pk": open_request(**options).pk}

    return make


def _prepared_erasure_kwargs() -> dict[str, Any]:
    """An erasure request prepared by a data protection lead who is not the persona."""
    from safeguarding.privacy.rights.erasure import rights_request_erasure_prepare
    from tests.factories import UserFactory

    request = open_request(kind=RequestKind.ERASURE)
    preparer = UserFactory(roles=[str(Role.DATA_PROTECTION_LEAD)])
    rights_request_erasure_prepare(request=request, actor=preparer)
    return {"pk": request.pk}


def _sent_link_kwargs() -> dict[str, Any]:
    """A completed access request whose export link was emailed."""
    from safeguarding.privacy.rights.services import rights_request_complete
    from tests.factories import UserFactory

    request = open_request()
    actor = UserFactory(roles=[str(Role.DATA_PROTECTION_LEAD)])
    rights_request_complete(request=request, outcome="Answered", actor=actor)
    return {"pk": request.pk, "link_pk": request.deliveries.get().pk}


def _completed_access_kwargs() -> dict[str, Any]:
    return {"pk": _sent_link_kwargs()["pk"]}


VIEWERS = only(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)
LEAD = only(Role.DATA_PROTECTION_LEAD)

ACCESS: dict[str, Access] = {
    "rights:queue": Access(roles=VIEWERS),
    "rights:log": Access(roles=LEAD),
    "rights:detail": Access(roles=VIEWERS, make_kwargs=_request_kwargs()),
    "rights:pause": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:resume": Access(roles=LEAD, make_kwargs=_request_kwargs(status=RequestStatus.PAUSED)),
    "rights:extend": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:complete": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:refuse": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:withdraw": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:export": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:new_link": Access(roles=LEAD, make_kwargs=_completed_access_kwargs),
    "rights:cancel_link": Access(roles=LEAD, make_kwargs=_sent_link_kwargs),
    "rights:withhold": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:preview": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:hold": Access(roles=LEAD, make_kwargs=_request_kwargs()),
    "rights:sign_off": Access(roles=VIEWERS, make_kwargs=_item_kwargs),
    "rights:release": Access(roles=LEAD, make_kwargs=_item_kwargs),
    # The lead prepares an erasure here; a second lead or an administrator approves it here.
    "rights:erase": Access(roles=VIEWERS, make_kwargs=_request_kwargs(kind=RequestKind.ERASURE)),
    "rights:erasure_reject": Access(roles=VIEWERS, make_kwargs=_prepared_erasure_kwargs),
    # The persona approves someone else's prepared erasure, which carries it out.
    "rights:erasure_approve": Access(
        method="post",
        data={"confirm": "on"},
        roles=acted_on(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR),
        make_kwargs=_prepared_erasure_kwargs,
    ),
    # Only the preparer may withdraw: another lead is sent back with a message.
    "rights:erasure_withdraw": Access(
        method="post",
        roles=acted_on(Role.DATA_PROTECTION_LEAD),
        make_kwargs=_prepared_erasure_kwargs,
    ),
    "rights:rectify": Access(
        roles=LEAD, make_kwargs=_request_kwargs(kind=RequestKind.RECTIFICATION)
    ),
    "rights:restrict": Access(
        roles=LEAD, make_kwargs=_request_kwargs(kind=RequestKind.RESTRICTION)
    ),
    "rights:lift_restriction": Access(
        roles=LEAD, make_kwargs=_request_kwargs(kind=RequestKind.RESTRICTION)
    ),
    "rights:objection": Access(roles=LEAD, make_kwargs=_request_kwargs(kind=RequestKind.OBJECTION)),
}
