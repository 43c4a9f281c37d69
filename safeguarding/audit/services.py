"""Writing the audit trail: append an entry, or redact one for erasure.

Call ``audit_log`` inside the transaction that makes the change it records, as its last step:
from that point the transaction holds the chain lock until it commits, and every other
audited transaction waits for it. If the transaction rolls back, so does the entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from safeguarding.audit import actions, chain
from safeguarding.audit.models import HEAD_PK, AuditChainHead, AuditEntry
from safeguarding.core import request_context
from safeguarding.inventory.declarations import declaration_for_label as inventory_declaration

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

REDACTION_ACTION = "audit.entry.redacted"
# What new entries are written as (see chain.py); 1 only for entries from before version 2.
CHAIN_VERSION = 2
# Fields that depend on the chain's current end, so are only known once the head is locked.
_SET_UNDER_LOCK = ["sequence", "occurred_at", "prev_hash", "entry_hash"]


class AuditChainHeadMissing(RuntimeError):
    """Entries exist but the chain head row does not: the trail has been tampered with."""


def audit_log(
    *,
    action: str,
    actor: User | None,
    target: models.Model | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    on_behalf_of: User | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction or in one of its own.

    ``target`` (a saved model instance) or ``target_type`` and ``target_id`` say what was
    acted on. ``details`` must be JSON-serialisable. The address defaults to the current
    request's. An anonymous visitor passed as ``actor`` is recorded as no actor. ``action``
    must be registered by its app (``safeguarding.audit.actions``).
    """
    if not actions.is_registered(action):
        raise ValueError(
            f"The audit action {action!r} is not registered: add it, with what it means, to "
            "its app's audit_actions.py."
        )
    if target is not None:
        if target_type is not None or target_id is not None:
            raise ValueError("Give either target or target_type and target_id, not both.")
        if target.pk is None:
            raise ValueError("An audit target must be saved first.")
        target_type, target_id = target._meta.label_lower, target.pk
    if target_type and not _may_be_named(target_type):
        raise ValueError(
            f"{target_type} rows are credentials; the audit trail names the account instead."
        )
    context = request_context.current()
    if actor is not None and not actor.is_authenticated:  # AnonymousUser
        actor = None
    if ip_address is None and context is not None:
        ip_address = context.ip_address
    # Store exactly what the digest covers: a JSON round trip turns tuples into lists etc.
    details = json.loads(chain.canonical_json(details or {}))
    entry = AuditEntry(
        actor=actor,
        actor_label=_actor_label(actor, in_request=context is not None),
        on_behalf_of=on_behalf_of,
        action=action,
        target_type=target_type or "",
        target_id="" if target_id is None else str(target_id),
        ip_address=ip_address,
        reason=reason,
        reason_digest=chain.digest(reason),
        details=details,
        details_digest=chain.digest(details),
    )
    # Validated before the transaction, so a bad call does not doom the caller's transaction.
    # This also normalises the address as the database will return it. The users are not
    # re-fetched to check they exist: the foreign keys do that.
    entry.full_clean(exclude=[*_SET_UNDER_LOCK, "actor", "on_behalf_of"], validate_unique=False)
    entry.chain_version = CHAIN_VERSION
    if CHAIN_VERSION >= 2:
        entry.ip_digest = chain.address_digest(entry.ip_address)

    # No savepoint: if the entry cannot be written, the caller's whole transaction fails.
    with transaction.atomic(savepoint=False):
        _append(entry)
    return entry


def _append(entry: AuditEntry) -> None:
    """Lock the chain head and extend the chain by ``entry``: one locking read of the head,
    then one write (on PostgreSQL the entry's insert and the head's move are one statement;
    SQLite, where the transaction already holds the database's write lock, runs the two in
    process). Plain SQL built once: the ORM's per-call query building cost several times
    the database's work."""
    sql = _append_statements()
    with connection.cursor() as cursor:
        cursor.execute(sql.lock_head, [HEAD_PK])
        row = cursor.fetchone()
        if row is None:  # a new trail (or a missing head, which _locked_head refuses)
            created = _locked_head()
            row = (created.last_sequence, created.last_hash)
        entry.sequence = row[0] + 1
        entry.occurred_at = timezone.now()
        entry.prev_hash = row[1]
        entry.entry_hash = chain.entry_hash(entry)
        values: list[Any] = [
            field.get_db_prep_save(getattr(entry, field.attname), connection)
            for field in sql.fields
        ]
        moved: list[Any] = [entry.sequence, entry.entry_hash, HEAD_PK]
        if sql.insert_and_move is not None:
            cursor.execute(sql.insert_and_move, [*values, *moved])
        else:
            cursor.execute(sql.insert, values)
            cursor.execute(sql.move_head, moved)
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass(frozen=True)
class _AppendStatements:
    fields: list[models.Field[Any, Any]]
    lock_head: str
    insert: str
    move_head: str
    insert_and_move: str | None


@cache
def _append_statements() -> _AppendStatements:
    quote = connection.ops.quote_name
    # Every name comes from the models, none from a caller.
    fields = list(AuditEntry._meta.concrete_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(AuditEntry._meta.db_table)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  (names from the model)
    head_table = quote(AuditChainHead._meta.db_table)
    lock_head = f"SELECT last_sequence, last_hash FROM {head_table} WHERE id = %s"  # noqa: S608  (names from the model)
    move_head = f"UPDATE {head_table} SET last_sequence = %s, last_hash = %s WHERE id = %s"  # noqa: S608  (names from the model)
    postgresql = connection.vendor == "postgresql"
    return _AppendStatements(
        fields=fields,
        lock_head=lock_head + (" FOR UPDATE" if postgresql else ""),
        insert=insert,
        move_head=move_head,
        insert_and_move=f"WITH entry AS ({insert}) {move_head}" if postgresql else None,
    )


def _locked_head() -> AuditChainHead:
    head, created = AuditChainHead.objects.select_for_update().get_or_create(pk=HEAD_PK)
    if created and AuditEntry.objects.exists():
        raise AuditChainHeadMissing("The audit chain head is missing; run audit_verify.")
    return head


def audit_read(
    *,
    actor: User,
    what: str,
    purpose: str,
    target: models.Model | None = None,
    records: int | None = None,
) -> AuditEntry:
    """Record that ``actor`` was shown sensitive data (special category data, a rights
    request, a disclosure, an authorisation): the action ``<what>.read``, the purpose and how
    many records, never the data itself."""
    details: dict[str, Any] = {"purpose": purpose}
    if records is not None:
        details["records"] = records
    return audit_log(action=f"{what}.read", actor=actor, target=target, details=details)


def _may_be_named(target_type: str) -> bool:
    """Whether an entry may name a row of this model: never a credential (a session,
    whose id is its key; an authenticator), so no secret reaches the trail as a target id."""
    declaration = inventory_declaration(target_type)
    return declaration is None or declaration.shows_rows


def _actor_label(actor: User | None, *, in_request: bool) -> str:
    if actor is not None:
        return "staff"
    return "anonymous" if in_request else "system"


@transaction.atomic
def audit_redact(*, entry: AuditEntry, actor: User | None, reason: str) -> AuditEntry:
    """Remove the details and reason of one entry, keeping the chain, and audit that.

    Returns the entry as redacted. Redacting an entry already redacted changes nothing.
    """
    if not reason.strip():
        raise ValidationError("Give a reason for the redaction.")
    current = AuditEntry.objects.select_for_update().get(sequence=entry.sequence)
    if current.redacted_at is None:
        _redact(current, actor=actor, reason=reason)
    return current


@transaction.atomic
def audit_redact_for_target(
    *, target_type: str, target_id: str | int, actor: User | None, reason: str
) -> int:
    """Redact every entry about one target (for example an erased person); returns how many."""
    if not reason.strip():
        raise ValidationError("Give a reason for the redaction.")
    entries = list(
        AuditEntry.objects.select_for_update()
        .filter(target_type=target_type, target_id=str(target_id), redacted_at__isnull=True)
        .order_by("sequence")
    )
    for entry in entries:
        _redact(entry, actor=actor, reason=reason)
    return len(entries)


def _redact(entry: AuditEntry, *, actor: User | None, reason: str) -> None:
    entry.details = dict(chain.REDACTED_DETAILS)
    entry.reason = ""
    entry.redacted_at = timezone.now()
    entry.redaction_reason = reason
    fields = ["details", "reason", "redacted_at", "redaction_reason"]
    if entry.chain_version >= 2:
        entry.ip_address = None
        fields.append("ip_address")
    with _database_permits("redaction"):
        entry.save(update_fields=fields)
    audit_log(action=REDACTION_ACTION, actor=actor, target=entry, reason=reason)


@contextmanager
def _database_permits(change: str, *, cutoff: datetime | None = None) -> Iterator[None]:
    """Tell PostgreSQL's append-only trigger which of the two permitted changes this service
    is making (audit migration 0004), for the statements inside the block only.

    The settings are local to the transaction: a rollback takes them back, so they are cleared
    here only after the block succeeds."""
    if connection.vendor != "postgresql":
        yield
        return
    statement = (
        "SELECT set_config('safeguarding.audit_change', %s, true),"
        " set_config('safeguarding.audit_address_cutoff', %s, true)"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [change, cutoff.isoformat() if cutoff else ""])
    yield
    with connection.cursor() as cursor:
        cursor.execute(statement, ["", ""])


@transaction.atomic(durable=True)
def audit_forget_addresses(*, now: datetime | None = None) -> int:
    """Remove the network address from entries older than ``AUDIT_ADDRESS_DAYS`` (their
    keyed digest stays in the chain). Returns how many; records the run when there were any.
    Entries of chain version 1 hash the address itself, so theirs cannot go."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_ADDRESS_DAYS)
    with _database_permits("forget_addresses", cutoff=cutoff):
        count = AuditEntry.objects.filter(
            chain_version__gte=2, ip_address__isnull=False, occurred_at__lt=cutoff
        ).update(ip_address=None)
    if count:
        audit_log(
            action="audit.addresses.forgotten",
            actor=None,
            details={"entries": count, "older_than_days": settings.AUDIT_ADDRESS_DAYS},
        )
    return count
