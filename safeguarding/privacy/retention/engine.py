"""The retention engine (promise P08): dispose of records when their period ends.

For every inventory declaration whose rule deletes or anonymises and which names a
``retention_trigger``, a row is due when its trigger plus the rule's effective period (the
data protection lead's override, or the default in code) is in the past. The sweep takes due
rows in batches of ``BATCH_SIZE`` primary keys, each batch in its own transaction:

1. select up to a batch of due keys that are not under an active legal hold, locking them
   (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers anyway);
2. read the holds again, in a new statement, and leave out any record held meanwhile: once
   the rows are locked, no new hold on them can commit before this batch does, because
   placing a hold locks its target first;
3. delete the rows (with their cascades) or blank their declared fields. A row whose
   deletion would cascade to a record under hold in another model is kept too, for as long
   as that hold lasts; if such a hold is committed while the batch deletes, the batch is
   rolled back and taken again without that row;
4. append the keys, as strings, to the run's receipt for this rule and model (none where the
   key itself is personal data), as one ``DestructionReceiptBatch`` row;
5. redact the audit entries about those records, and about cascaded records that hold
   personal data, finding them with one query per model.

A plain delete (no cascades, no signal receivers) lets the database find the batch: one
``DELETE`` with the due conditions that leaves out the holds, so no list of keys is sent,
and batches are larger (``SET_BATCH_SIZE``). A table larger than a batch is taken in
ranges of row addresses, each scanned once by its own batch (blocks of ``ctid`` on
PostgreSQL, sized from the table's statistics to hold about a batch of rows; ``rowid`` on
SQLite, a batch's worth of row ids), so no batch scans again what earlier ones deleted,
and none finds its rows with one scan and deletes them with another; the last range is
open-ended. A smaller table is taken a batch of the first due rows at a time, by row
address. On PostgreSQL the same statement writes the batch's line on the receipt (4) with
its keys, and finds which records have audit entries to redact (5) by the trail's target
index; where the receipt withholds keys and there is nothing to redact, the delete returns
nothing and the line follows with its count (on SQLite likewise, no keys come back). It
checks the holds after the delete instead of locking first: a batch that may have deleted
a record held meanwhile is rolled back and taken again without it. The receipt is made in
the first batch that takes something, in its transaction, so a run that takes nothing
leaves none. A due row stored, while the sweep runs, in a range already taken is left for
the next sweep.

The sweep reads the active holds once, and finds which rules have anything due with one
statement for all of them; rules with nothing due cost nothing more. That statement is
compiled once per process for the same rules, declarations and holds, with each rule's
cutoff as a parameter worked out for each run.

Memory stays flat: no more than one batch of keys is held at once (on PostgreSQL's plain
delete, none; on SQLite's, none where the receipt withholds keys and nothing is to be
redacted). When a rule and model are done, the receipt is closed with a
``privacy.retention.disposed`` audit entry, whose sequence the receipt keeps. A run that
finds nothing to do writes no receipt, so the sweep is idempotent; every run ends with one
``privacy.retention.swept`` entry.
"""

from __future__ import annotations

import dataclasses
import math
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.deletion import Collector
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.sql import DeleteQuery
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log, audit_redact_for_target
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import (
    ModelDeclaration,
    PersonalField,
    all_declarations,
    declaration_for,
)
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.privacy.models.retention import (
    DestructionReceipt,
    DestructionReceiptBatch,
    LegalHold,
    RetentionSetting,
)

# Rows per batch where the engine holds the batch's keys in Python (cascading deletes and
# anonymising); capped by the database's parameter limit (_dispose).
BATCH_SIZE = 5000
# Rows per batch of a plain delete (no cascades, no signal receivers), which the database
# finds and deletes by itself: no key list is sent as parameters, and on PostgreSQL none comes
# back, so the batch is bounded by how long it may hold its rows' locks, not by memory.
# bench/retention.py measures both against a raw DELETE, with their peak memory.
SET_BATCH_SIZE = {"postgresql": 50_000, "sqlite": 20_000}
REMOVED = "[removed]"
_TRIGGER = "_retention_from"


# --- What each declaration's rule means in practice ---------------------------------------------


@dataclass(frozen=True)
class RetentionPlan:
    """One declared model with a retention rule: how (or why not) the engine disposes of it."""

    declaration: ModelDeclaration
    rule: RetentionRule
    days: int  # the effective period
    not_automated: str = ""  # why the engine cannot dispose of these rows, if it cannot
    anonymised_values: Mapping[str, Any] | None = None
    anonymised_m2m: tuple[str, ...] = ()

    @property
    def model(self) -> type[models.Model]:
        return self.declaration.model

    @property
    def model_label(self) -> str:
        return self.declaration.model_label

    @property
    def automated(self) -> bool:
        return not self.not_automated and self.rule.action is not Action.KEEP


def effective_periods() -> dict[str, int]:
    """Each rule's period in days: the data protection lead's override, or the default, and
    never less than the rule's minimum in settings. A proposed period waiting for approval is
    not used."""
    periods = {rule.key: rule.days for rule in retention_rules.all_rules()}
    for key, days in RetentionSetting.objects.values_list("rule_key", "days"):
        rule = retention_rules.get(key)
        if rule is not None and rule.action is not Action.KEEP:
            periods[key] = days
    for rule in retention_rules.all_rules():
        if rule.action is not Action.KEEP:
            periods[rule.key] = at_least_the_minimum(rule.key, periods[rule.key])
    return periods


def at_least_the_minimum(rule_key: str, days: int) -> int:
    return max(days, retention_rules.minimum_days(rule_key))


def retention_plans(periods: Mapping[str, int] | None = None) -> list[RetentionPlan]:
    """Every declaration with a retention rule, including KEEP rules and those not automated."""
    periods = effective_periods() if periods is None else periods
    plans = []
    for declaration in all_declarations():
        rule = retention_rules.get(declaration.retention or "")
        if rule is None:
            continue
        plans.append(_plan(declaration, rule, periods.get(rule.key, rule.days)))
    return plans


def _plan(declaration: ModelDeclaration, rule: RetentionRule, days: int) -> RetentionPlan:
    if rule.action is Action.KEEP:
        return RetentionPlan(declaration, rule, days, not_automated="kept by rule")
    if declaration.retention_trigger is None:
        return RetentionPlan(
            declaration, rule, days, not_automated="no retention trigger is declared"
        )
    if rule.action is Action.DELETE:
        return RetentionPlan(declaration, rule, days)
    if not declaration.anonymise:
        return RetentionPlan(
            declaration, rule, days, not_automated="no fields to anonymise are declared"
        )
    try:
        values, m2m = _anonymised_values(declaration.model, declaration.anonymise)
    except ValueError as error:
        return RetentionPlan(declaration, rule, days, not_automated=str(error))
    return RetentionPlan(declaration, rule, days, anonymised_values=values, anonymised_m2m=m2m)


def _anonymised_values(
    model: type[models.Model], spec: Mapping[str, Any] | Any
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The value each declared field gets: None where allowed, else "", "[removed]" or its
    default. Raises ValueError for a field that cannot be blanked (unique and not nullable)."""
    if isinstance(spec, Mapping):
        # Explicit values; a many-to-many field named here (its value ignored) is emptied.
        pairs = {name: (value, model._meta.get_field(name)) for name, value in spec.items()}
        return (
            {name: value for name, (value, f) in pairs.items() if not f.many_to_many},
            tuple(name for name, (_, f) in pairs.items() if f.many_to_many),
        )
    values: dict[str, Any] = {}
    m2m: list[str] = []
    for name in spec:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(f"{model._meta.label} has no field {name!r} to anonymise") from None
        if field.many_to_many:
            m2m.append(name)
        elif not isinstance(field, models.Field):
            raise ValueError(f"{model._meta.label}.{name} cannot be anonymised")
        elif field.null:
            values[name] = None
        elif field.unique:
            raise ValueError(f"{model._meta.label}.{name} is unique and not nullable")
        elif isinstance(field, models.CharField | models.TextField):
            short = field.max_length is not None and field.max_length < len(REMOVED)
            values[name] = "" if field.blank or short else REMOVED
        elif isinstance(field, models.JSONField):
            values[name] = {}
        elif field.has_default():
            values[name] = field.get_default()
        else:
            raise ValueError(f"{model._meta.label}.{name} has no blank value or default")
    return values, tuple(m2m)


def _pk_is_personal(declaration: ModelDeclaration) -> bool:
    pk_name = declaration.model._meta.pk.name
    return isinstance(declaration.fields.get(pk_name), PersonalField)


# --- Which rows are due ------------------------------------------------------------------------


def _trigger_expression(declaration: ModelDeclaration) -> Any:
    trigger = declaration.retention_trigger
    if isinstance(trigger, str):
        return models.F(trigger)
    if isinstance(trigger, tuple):
        return Coalesce(*trigger) if len(trigger) > 1 else models.F(trigger[0])
    assert trigger is not None  # noqa: S101  (plans without a trigger are never automated)
    return trigger()


def _due(plan: RetentionPlan, *, cutoff: datetime | models.Expression) -> QuerySet[Any]:
    """Rows whose period started before ``cutoff`` and that are not yet disposed of."""
    queryset = plan.model._base_manager.order_by()
    trigger = plan.declaration.retention_trigger
    if isinstance(trigger, str):
        queryset = queryset.filter(**{f"{trigger}__lt": cutoff})
    else:
        queryset = queryset.alias(**{_TRIGGER: _trigger_expression(plan.declaration)}).filter(
            **{f"{_TRIGGER}__lt": cutoff}
        )
    if plan.rule.action is Action.ANONYMISE and plan.anonymised_values:
        queryset = queryset.exclude(_already_anonymised(plan.anonymised_values))
    return queryset


def _already_anonymised(values: Mapping[str, Any]) -> Q:
    condition = Q()
    for name, value in values.items():
        condition &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return condition


def _held_pks(model: type[models.Model]) -> set[Any]:
    """Primary keys of this model's records under an active legal hold (holds are few)."""
    content_type = ContentType.objects.get_for_model(model)
    holds = LegalHold.objects.active().filter(content_type=content_type)
    pk_field = model._meta.pk
    held = set()
    for object_id in holds.values_list("object_id", flat=True):
        try:
            held.add(pk_field.to_python(object_id))
        except ValidationError:
            continue  # not a key this model could have; it holds nothing
    return held


def held_pks(model: type[models.Model]) -> set[Any]:
    """Primary keys of this model's records under an active legal hold (for erasure)."""
    return _held_pks(model)


def _cutoff(plan: RetentionPlan, now: datetime) -> datetime:
    return now - timedelta(days=plan.days)


# --- The sweep ---------------------------------------------------------------------------------


def retention_sweep(
    *, now: datetime | None = None, batch_size: int | None = None
) -> list[DestructionReceipt]:
    """Dispose of every due record not under a legal hold; one receipt per rule and model.
    ``batch_size`` (rows per batch) defaults to each path's own size."""
    now = now or timezone.now()
    receipts = []
    held = _held_by_model()
    plans = [plan for plan in retention_plans() if plan.automated]
    for plan in _with_anything_due(plans, now=now, held=held):
        receipt = _dispose(
            plan, cutoff=_cutoff(plan, now), batch_size=batch_size, held=held.get(plan.model, set())
        )
        if receipt is not None:
            receipts.append(receipt)
    audit_log(
        action="privacy.retention.swept",
        actor=None,
        details={
            "receipts": [receipt.pk for receipt in receipts],
            "disposed": sum(receipt.count for receipt in receipts),
        },
    )
    return receipts


class HeldMeanwhile(Exception):
    """A hold on a record in the batch was committed while the batch ran: roll it back."""


@dataclass
class _Run:
    """One rule and model being disposed of: its cutoff, and the receipt once there is one."""

    plan: RetentionPlan
    cutoff: datetime
    started_at: datetime
    receipt: DestructionReceipt | None = None
    batches: int = 0
    # The active holds on the model as last read; each batch reads them again once it has
    # its rows, and the next batch starts from that reading.
    held: set[Any] | None = None
    # Rows kept because deleting them would cascade to a held record elsewhere.
    kept_for_dependents: set[Any] = field(default_factory=set)
    # PostgreSQL: each batch continues after the largest key the last one took (keyset), so
    # no batch scans again the rows earlier batches deleted or anonymised, which stay in the
    # table and its indexes as dead versions until VACUUM.
    keyset: bool = False
    after: Any = None
    next_after: Any = None  # where the next batch starts once this one has committed
    receipt_is_new: bool = False  # made in the batch under way (gone if it rolls back)
    # A plain delete over a table larger than a batch takes it in ranges of row addresses
    # (blocks of ``ctid`` on PostgreSQL, ``rowid`` on SQLite), each scanned once by its own
    # batch: [start, start + span), the last one open-ended so rows stored since the ranges
    # were worked out are covered too. Without a span, each batch is the first due rows the
    # database finds (``LIMIT``), and the run ends with a batch short of a full one.
    span: int | None = None
    start: int = 0
    end: int = 0  # where the table ended when the ranges were worked out
    next_ranges: tuple[int, int, int] | None = None  # (span, start, end) once this commits

    @property
    def last_range(self) -> bool:
        return self.span is not None and self.start + self.span >= self.end

    def in_range(self, due: QuerySet[Any], connection: Any) -> QuerySet[Any]:
        """The due rows in the current range of row addresses."""
        assert self.span is not None  # noqa: S101  (only called in ranges)
        table = connection.ops.quote_name(self.plan.model._meta.db_table)
        bounds = [self.start] if self.last_range else [self.start, self.start + self.span]
        params: list[Any] = bounds
        column, cast = f"{table}.rowid", ""
        if connection.vendor == "postgresql":  # the first tuple of each bound's block
            column, cast, params = f"{table}.ctid", "::tid", [f"({n},0)" for n in bounds]
        sql = " AND ".join(
            f"{column} {op} %s{cast}" for op, _ in zip((">=", "<"), bounds, strict=False)
        )
        return due.filter(RawSQL(sql, params, output_field=models.BooleanField()))  # noqa: S611  (the quoted table name)

    def next_batch(self, taken: int, batch_size: int) -> bool:
        """Move on once a batch has committed (or found nothing): whether one follows."""
        if self.span is not None:
            if self.last_range:
                return False
            self.start += self.span
            return True
        if taken < batch_size:
            return False
        if self.next_ranges is not None:
            self.span, self.start, self.end = self.next_ranges
            return True
        self.after = self.next_after
        return True

    def receipt_for_batch(self) -> DestructionReceipt:
        """The run's receipt, made in the current batch's transaction if there is none yet."""
        if self.receipt is None:
            self.receipt = _new_receipt(self)
            self.receipt_is_new = True
        return self.receipt

    def forget_new_receipt(self) -> None:
        if self.receipt_is_new:
            self.receipt, self.receipt_is_new, self.batches = None, False, 0

    def holds_so_far(self) -> set[Any]:
        if self.held is None:
            self.held = _held_pks(self.plan.model)
        return self.held | self.kept_for_dependents

    def holds_now(self) -> set[Any]:
        self.held = _held_pks(self.plan.model)
        return self.held


def _dispose(
    plan: RetentionPlan, *, cutoff: datetime, batch_size: int | None, held: set[Any] | None = None
) -> DestructionReceipt | None:
    connection = connections[router.db_for_write(plan.model)]
    plain_delete = plan.rule.action is Action.DELETE and _can_fast_delete(plan.model)
    if plain_delete and connection.vendor == "postgresql":
        dispose_batch = _delete_batch_in_one_statement
    elif plain_delete and connection.vendor == "sqlite":
        dispose_batch = _delete_batch_by_rowid
    else:
        dispose_batch, plain_delete = _dispose_batch, False
    if batch_size is None:
        batch_size = SET_BATCH_SIZE[connection.vendor] if plain_delete else BATCH_SIZE
    # One key per parameter, plus one for the audit lookup's target type.
    limit = _parameter_limit(connection)
    if limit:
        batch_size = min(batch_size, limit - 1)
    run = _Run(
        plan=plan,
        cutoff=cutoff,
        started_at=timezone.now(),
        held=None if held is None else set(held),
        # A plain delete's batches find the due rows afresh: PostgreSQL skips the index
        # entries of rows earlier batches deleted once they have committed, and scanning
        # in key order (to continue after the last key) costs more than it saves.
        keyset=connection.vendor == "postgresql" and not plain_delete,
    )
    if plain_delete and connection.vendor == "postgresql":
        _plan_block_ranges(run, connection, batch_size=batch_size)
    while True:
        try:
            with transaction.atomic():
                taken = dispose_batch(run, batch_size=batch_size)
                if not taken and run.receipt_is_new:
                    raise _NothingTaken  # the receipt made for this batch goes with it
        except HeldMeanwhile:
            run.forget_new_receipt()
            run.next_ranges = None
            continue  # rolled back; the next pass reads the holds again and leaves that record
        except _NothingTaken:
            run.forget_new_receipt()
            taken = 0
        run.receipt_is_new = False
        if not run.next_batch(taken, batch_size):
            break
    return _close(run) if run.receipt is not None else None


def _plan_block_ranges(run: _Run, connection: Any, *, batch_size: int) -> None:
    """PostgreSQL: a table the statistics say holds more rows than a batch is taken in
    ranges of blocks, as many blocks as hold about a batch of rows, so that no batch scans
    again the rows earlier ones deleted (they stay in the table as dead versions until
    VACUUM) and none needs a scan to find its rows and another to delete them. A smaller
    table, or one never analysed, is taken in batches of the first due rows found."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples, relpages, "
            "pg_relation_size(oid) / current_setting('block_size')::int "
            "FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(run.plan.model._meta.db_table)],
        )
        rows, pages, blocks = cursor.fetchone()
    if pages <= 0 or rows <= 0:
        return
    ranges = math.ceil(rows * blocks / pages / batch_size)  # the rows there now, as estimated
    if ranges > 1:
        run.span, run.start, run.end = math.ceil(blocks / ranges), 0, blocks


class _NothingTaken(Exception):
    """The batch found nothing to dispose of: roll back the receipt made for it."""


def _parameter_limit(connection: Any) -> int | None:
    """How many parameters one statement may have. Django assumes SQLite's old default of
    999; the library in use says its own (250,000 in SQLite 3.32 and later), and batches of
    5,000 cost SQLite a fifth of the statements batches of 999 do."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    limit = connection.features.max_query_params
    return int(limit) if limit else None


def _continuing(run: _Run, due: QuerySet[Any]) -> QuerySet[Any]:
    """The due rows in key order from where the last batch ended (PostgreSQL), or as they
    come (SQLite, which removes deleted rows at once)."""
    if not run.keyset:
        return due
    if run.after is not None:
        due = due.filter(pk__gt=run.after)
    return due.order_by("pk")


class _CutoffParameter(models.Expression):
    """A plan's cutoff in a statement compiled once and kept: its parameter is a marker that
    each run replaces with that run's cutoff, prepared as a datetime."""

    output_field = models.DateTimeField()

    def __init__(self, marker: object) -> None:
        super().__init__()
        self.marker = marker  # copies made while compiling keep the same marker

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [self.marker]


# The "anything due?" statements, compiled once per process for each set of plans and holds
# (the rules, their declarations and the held keys are the key; cutoffs are parameters).
_Statements = tuple[list[tuple[str, list[Any]]], dict[int, object], list[ModelDeclaration]]
_ANYTHING_DUE_SQL: dict[Any, _Statements] = {}
_ANYTHING_DUE_SQL_MAX = 16


def _anything_due_key(
    alias: str, plans: list[RetentionPlan], held: Mapping[type[models.Model], set[Any]]
) -> Any:
    return (
        alias,
        tuple(
            (
                id(plan.declaration),  # the entry keeps it, so the identity is not reused
                plan.rule.key,
                plan.rule.action,
                repr(plan.anonymised_values),
                frozenset(held.get(plan.model, ())),
            )
            for plan in plans
        ),
    )


def _anything_due_statements(
    connection: Any, plans: list[RetentionPlan], held: Mapping[type[models.Model], set[Any]]
) -> _Statements:
    """The UNION ALL statements that say which plans have a due row not under a hold (as many
    plans in each as the parameter limit allows): (SQL, parameters with one marker per plan
    for its cutoff), each plan's marker, and the declarations (kept alive with the key)."""
    key = _anything_due_key(connection.alias, plans, held)
    cached = _ANYTHING_DUE_SQL.get(key)
    if cached is not None:
        return cached
    limit = _parameter_limit(connection) or 65535
    statements: list[tuple[str, list[Any]]] = []
    markers: dict[int, object] = {}
    parts: list[tuple[str, list[Any]]] = []
    indexes: list[int] = []

    def flush() -> None:
        union = " UNION ALL ".join(
            f"SELECT {index} AS plan WHERE EXISTS ({sql})"
            for index, (sql, _params) in zip(indexes, parts, strict=True)
        )
        statements.append((union, [p for _sql, params in parts for p in params]))
        parts.clear()
        indexes.clear()

    for index, plan in enumerate(plans):
        markers[index] = marker = object()
        due = (
            _due(plan, cutoff=_CutoffParameter(marker))
            .exclude(pk__in=held.get(plan.model, set()))
            .values("pk")[:1]
        )
        sql, params = due.query.get_compiler(connection=connection).as_sql()
        if parts and sum(len(p) for _s, p in parts) + len(params) > limit:
            flush()
        parts.append((sql, list(params)))
        indexes.append(index)
    if parts:
        flush()
    if len(_ANYTHING_DUE_SQL) >= _ANYTHING_DUE_SQL_MAX:
        _ANYTHING_DUE_SQL.clear()
    entry = _ANYTHING_DUE_SQL[key] = (statements, markers, [p.declaration for p in plans])
    return entry


def _with_anything_due(
    plans: list[RetentionPlan], *, now: datetime, held: Mapping[type[models.Model], set[Any]]
) -> list[RetentionPlan]:
    """The plans with at least one due row not under a hold, found with one statement for
    all of them (as many as the database's parameter limit allows) instead of one each. The
    statement is compiled once per process for the same rules and holds."""
    if not plans:
        return []
    connection = connections[router.db_for_write(plans[0].model)]
    statements, markers, _declarations = _anything_due_statements(connection, plans, held)
    as_datetime: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    cutoffs = {
        id(markers[index]): as_datetime.get_db_prep_value(_cutoff(plan, now), connection)
        for index, plan in enumerate(plans)
    }
    due: set[int] = set()
    with connection.cursor() as cursor:
        for sql, template in statements:
            params = [cutoffs.get(id(param), param) for param in template]
            cursor.execute(sql, params)
            due.update(row[0] for row in cursor.fetchall())
    return [plan for index, plan in enumerate(plans) if index in due]


def _dispose_batch(run: _Run, *, batch_size: int) -> int:
    """One batch: lock due keys, drop any held meanwhile, dispose. Returns how many it took."""
    model = run.plan.model
    candidates = list(
        _continuing(run, _due(run.plan, cutoff=run.cutoff).exclude(pk__in=run.holds_so_far()))
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch_size]
    )
    if not candidates:
        return 0
    run.next_after = candidates[-1]
    held_meanwhile = run.holds_now()  # a new statement: sees holds committed since
    pks = [pk for pk in candidates if pk not in held_meanwhile]
    if pks and run.plan.rule.action is Action.DELETE and not _can_fast_delete(model):
        # Only a delete that cascades can reach a held record in another model.
        keeping = set(pks) - set(without_held_dependents(model, pks))
        run.kept_for_dependents |= keeping
        pks = [pk for pk in pks if pk not in keeping]
    if pks:
        if run.plan.rule.action is Action.DELETE:
            count, cascaded = delete_records(
                model,
                pks,
                reason=(
                    f"Retention: deleted with a {model._meta.verbose_name} under rule "
                    f"{run.plan.rule.key}"
                ),
            )
        else:
            count, cascaded = _anonymise(run.plan, pks), {}
        _record(run, pks, count=count, cascaded=cascaded)
    return len(candidates)


def _delete_batch_in_one_statement(run: _Run, *, batch_size: int) -> int:
    """PostgreSQL, no cascades: delete the due rows in the run's current range of blocks,
    or the first batch of them found by row address (selecting keys and then deleting by key
    would cost an index probe per row), in one statement.

    Where the receipt lists the records' keys, or audit entries about them may need
    redacting, the same statement writes the batch's line on the receipt with the deleted
    keys and says which of them have unredacted audit entries (by the audit trail's target
    index); otherwise the delete returns nothing and the line, with its count, follows.
    Either way no key list comes back, so memory does not grow with the batch.

    It does not skip rows another transaction has locked: it waits for them. If that
    transaction was placing a hold, the check after the delete (a new statement) sees a hold
    the batch did not leave out, and the batch is rolled back and taken again without it.
    """
    model = run.plan.model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk_column = quote(model._meta.pk.column)
    left_out = run.holds_so_far()
    delete, select_params = _plain_delete(run, connection, left_out, batch_size=batch_size)
    target_type = model._meta.label_lower
    audited: list[str] | None = None
    if run.plan.declaration.holds_personal_data:
        unredacted = AuditEntry.objects.filter(target_type=target_type, redacted_at__isnull=True)
        audited = [] if unredacted.exists() else None
    batches = quote(DestructionReceiptBatch._meta.db_table)
    columns = f"(receipt_id, number, count, {quote('references')}, disposed_at)"
    with connection.cursor() as cursor:
        if _pk_is_personal(run.plan.declaration) and audited is None:
            cursor.execute(delete, select_params)
            count = cursor.rowcount
            if count:
                # Made once there is something to record (a range may hold nothing due).
                receipt = run.receipt_for_batch()
                cursor.execute(
                    f"INSERT INTO {batches} {columns} VALUES (%s, %s, %s, '[]'::jsonb, %s)",  # noqa: S608  (names from the models)
                    [receipt.pk, run.batches + 1, count, timezone.now()],
                )
        else:
            receipt = run.receipt_for_batch()
            line: list[Any] = [receipt.pk, run.batches + 1, timezone.now()]
            references = (
                "'[]'::jsonb" if receipt.references_withheld else f"jsonb_agg({pk_column}::text)"
            )
            statement = (
                f"WITH gone AS ({delete} RETURNING {pk_column}), "  # noqa: S608  (names from the models)
                f"line AS (INSERT INTO {batches} {columns} "
                f"SELECT %s, %s, count(*), {references}, %s FROM gone HAVING count(*) > 0) "
                "SELECT count(*), "
            )
            params = [*select_params, *line]
            if audited is None:
                statement += "NULL FROM gone"
            else:
                audit = quote(AuditEntry._meta.db_table)
                statement += (
                    f"array_agg({pk_column}::text) FILTER (WHERE EXISTS (SELECT 1 FROM {audit} "  # noqa: S608  (names from the models)
                    f"WHERE {quote('target_type')} = %s AND {quote('target_id')} = "
                    f"{pk_column}::text AND {quote('redacted_at')} IS NULL)) FROM gone"
                )
                params.append(target_type)
            cursor.execute(statement, params)
            count, found = cursor.fetchone()
            audited = None if audited is None else (found or [])
    if not count:
        return 0  # nothing deleted, so no hold placed meanwhile can have been overridden
    # A new statement: sees holds committed since. Any on this model that the batch did not
    # leave out may be on a row it deleted; roll back and take the batch again without them.
    if run.holds_now() - left_out:
        raise HeldMeanwhile
    run.batches += 1
    _record_written(run, [], count=count, audit_targets=audited or [])
    return int(count)


def _plain_delete(
    run: _Run, connection: Any, left_out: set[Any], *, batch_size: int
) -> tuple[str, list[Any]]:
    """The ``DELETE`` of a batch of due rows not left out: those in the run's current range
    of row addresses, or the first ``batch_size`` found (by row address, so no key list is
    sent), as SQL and parameters."""
    model = run.plan.model
    due = _due(run.plan, cutoff=run.cutoff).exclude(pk__in=left_out)
    if run.span is not None:
        query = run.in_range(due, connection).query.chain(klass=DeleteQuery)
        sql, params = query.get_compiler(connection=connection).as_sql()
        return sql, list(params)
    table = connection.ops.quote_name(model._meta.db_table)
    address = "ctid" if connection.vendor == "postgresql" else "rowid"
    row = RawSQL(f"{table}.{address}", ())  # noqa: S611  (the quoted table name)
    rows = due.annotate(_row=row).values_list("_row", flat=True)[:batch_size]
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    if connection.vendor == "postgresql":
        return f"DELETE FROM {table} WHERE ctid = ANY(ARRAY({select}))", list(params)  # noqa: S608  (names from the model)
    return f"DELETE FROM {table} WHERE rowid IN ({select})", list(params)  # noqa: S608  (names from the model)


def _delete_batch_by_rowid(run: _Run, *, batch_size: int) -> int:
    """SQLite, no cascades: delete a batch found by the database itself (by row id, with the
    due rows' conditions in the statement, so no key list is sent as parameters). The deleted
    keys come back only where the receipt lists them or audit entries about them may need
    redacting; otherwise the statement's count is all that is needed.

    The first batch takes the first due rows found; if it is a full batch, the rest of the
    table is taken in ranges of ``batch_size`` row ids (SQLite removes deleted rows at once,
    so the ranges cover only the rows still there), each scanned once by its own batch."""
    model = run.plan.model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk_field = model._meta.pk
    left_out = run.holds_so_far()
    delete, params = _plain_delete(run, connection, left_out, batch_size=batch_size)
    audited = run.plan.declaration.holds_personal_data and (
        AuditEntry.objects.filter(
            target_type=model._meta.label_lower, redacted_at__isnull=True
        ).exists()
    )
    keys_needed = audited or not _pk_is_personal(run.plan.declaration)
    with connection.cursor() as cursor:
        if keys_needed:
            cursor.execute(f"{delete} RETURNING {quote(pk_field.column)}", params)
            found = [row[0] for row in cursor.fetchall()]
            count = len(found)
        else:
            cursor.execute(delete, params)
            found, count = [], cursor.rowcount
        if run.span is None and count >= batch_size:
            # A full batch: there may be many more, so the rest is taken in ranges.
            table = quote(model._meta.db_table)
            # Two subqueries: SQLite reads one end of the table for each, but for both in one
            # query it would scan the whole table.
            cursor.execute(
                f"SELECT (SELECT min(rowid) FROM {table}), (SELECT max(rowid) FROM {table})"  # noqa: S608  (the quoted table name)
            )
            first, last = cursor.fetchone()
            run.next_ranges = None if first is None else (batch_size, first, last + 1)
    if not count:
        return 0  # nothing deleted, so no hold placed meanwhile can have been overridden
    # Keys of other types (UUIDs, say) come back as SQLite stores them.
    pks = found if type(pk_field) in _PLAIN_KEY_FIELDS else [pk_field.to_python(k) for k in found]
    # A hold committed since the last batch read them: on a deleted record if its key came
    # back, or on one the batch did not leave out (which it may have deleted) if none did.
    held = run.holds_now()
    if held.intersection(pks) if keys_needed else held - left_out:
        raise HeldMeanwhile
    _record(run, pks, count=count, cascaded={}, audit_targets=None if audited else [])
    return count


def _new_receipt(run: _Run) -> DestructionReceipt:
    plan = run.plan
    return DestructionReceipt.objects.create(
        rule_key=plan.rule.key,
        model_label=plan.model_label,
        action=plan.rule.action.value,
        period_days=plan.days,
        cutoff=run.cutoff,
        references_withheld=(
            "the primary key is personal data" if _pk_is_personal(plan.declaration) else ""
        ),
        started_at=run.started_at,
    )


def _record(
    run: _Run,
    pks: list[Any],
    *,
    count: int,
    cascaded: dict[str, int],
    audit_targets: list[str] | None = None,
) -> None:
    """Add a disposed batch to the run's receipt, and redact the audit entries about it."""
    receipt = run.receipt_for_batch()
    run.batches += 1
    DestructionReceiptBatch.objects.create(
        receipt=receipt,
        number=run.batches,
        count=count,
        references=[] if receipt.references_withheld else [str(pk) for pk in pks],
    )
    if cascaded:
        receipt.cascaded = dict(Counter(receipt.cascaded) + Counter(cascaded))
        receipt.save(update_fields=["cascaded"])
    _record_written(run, pks, count=count, audit_targets=audit_targets)


def _record_written(
    run: _Run, pks: list[Any], *, count: int, audit_targets: list[str] | None
) -> None:
    """With the batch on the receipt: redact the audit entries about its records (those in
    ``audit_targets`` when the caller has found them already) and audit the batch."""
    plan, receipt = run.plan, run.receipt
    assert receipt is not None  # noqa: S101  (the batch is on it)
    if plan.declaration.holds_personal_data:
        _redact_audit_entries(plan, pks, receipt=receipt, targets=audit_targets)
    # In the batch's own transaction, so a sweep killed before its end leaves no disposal
    # without its audit entry (the run's summary entry follows at the end).
    audit_log(
        action="privacy.retention.batch_disposed",
        actor=None,
        target=receipt,
        details={
            "rule": plan.rule.key,
            "model": plan.model_label,
            "batch": run.batches,
            "count": count,
        },
    )


# Batches are found again by lists of primary keys. Django's ORM prepares each value of an IN
# list through several layers, which costs more than the database's own work on a batch; where
# the ORM would send the same plain statement anyway (no cascades, no signals), the engine
# sends it itself, with the keys as parameters: one array on PostgreSQL (whose planner is much
# slower with a thousand separate parameters), an IN list elsewhere.

_PLAIN_KEY_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.CharField,
)


def _in_keys(connection: Any, column: str, keys: list[Any]) -> tuple[str, list[Any]]:
    """``column IN (keys)`` as SQL and parameters for this connection."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [keys]
    return f"{column} IN ({', '.join(['%s'] * len(keys))})", list(keys)


def _pk_in(model: type[models.Model], pks: list[Any]) -> tuple[str, list[Any]]:
    connection = connections[router.db_for_write(model)]
    pk_field = model._meta.pk
    # Keys of these types come back from the database as the values it takes; others (UUIDs
    # on SQLite, say) are converted back.
    plain = type(pk_field) in _PLAIN_KEY_FIELDS
    params = pks if plain else [pk_field.get_db_prep_value(pk, connection) for pk in pks]
    return _in_keys(connection, connection.ops.quote_name(pk_field.column), params)


def _can_fast_delete(model: type[models.Model]) -> bool:
    """No cascades, no signal receivers: deleting is one plain statement."""
    alias = router.db_for_write(model)
    return bool(Collector(using=alias, origin=None).can_fast_delete(model._base_manager.all()))


def delete_records(
    model: type[models.Model], pks: list[Any], *, reason: str
) -> tuple[int, dict[str, int]]:
    """Delete these rows and whatever Django cascades to, as the sweep and erasure do: audit
    entries about cascaded records that hold personal data are redacted with ``reason``.
    Call ``without_held_dependents`` first; if a hold on a cascaded record was committed
    meanwhile this raises ``HeldMeanwhile`` and the caller's transaction must roll back.
    Returns the count for ``model`` and the cascaded counts by model label."""
    alias = router.db_for_write(model)
    if _can_fast_delete(model):
        where, params = _pk_in(model, pks)
        table = connections[alias].ops.quote_name(model._meta.db_table)
        with connections[alias].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608  (names from the model)
            return cursor.rowcount, {}
    collector, doomed = _cascade(model, pks)
    _total, per_model = collector.delete()
    if _held_among(doomed):
        raise HeldMeanwhile  # a hold on a cascaded record was committed as we deleted
    for other, keys in doomed.items():
        if other is not model and _holds_personal_data(other):
            _redact_audit_entries_about(other, list(keys), reason=reason)
    label = model._meta.label
    cascaded = {name: n for name, n in per_model.items() if name != label and n}
    return per_model.get(label, 0), cascaded


# --- Holds on records a deletion would take with it ----------------------------------------


def _cascade(
    model: type[models.Model], pks: list[Any]
) -> tuple[Collector, dict[type[models.Model], set[Any]]]:
    """What deleting these rows would delete, as Django's own delete would find it: the
    collector (to carry it out) and every model's keys that would go."""
    collector = Collector(using=router.db_for_write(model), origin=None)
    # As QuerySet.delete() does (the stubs accept only sequences).
    collector.collect(model._base_manager.filter(pk__in=pks))  # type: ignore[arg-type]
    doomed: dict[type[models.Model], set[Any]] = {}
    for each, instances in collector.data.items():
        doomed.setdefault(each, set()).update(instance.pk for instance in instances)
    for queryset in collector.fast_deletes:
        doomed.setdefault(queryset.model, set()).update(queryset.values_list("pk", flat=True))
    return collector, doomed


def _held_by_model() -> dict[type[models.Model], set[Any]]:
    """Every model with a record under an active hold, and those records' keys."""
    held: dict[type[models.Model], set[Any]] = {}
    for type_id, object_id in LegalHold.objects.active().values_list("content_type", "object_id"):
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        try:
            held.setdefault(model, set()).add(model._meta.pk.to_python(object_id))
        except ValidationError:
            held.setdefault(model, set())  # not a key this model could have; it holds nothing
    return held


def _held_among(
    doomed: Mapping[type[models.Model], set[Any]],
    held: Mapping[type[models.Model], set[Any]] | None = None,
) -> bool:
    held = _held_by_model() if held is None else held
    return any(doomed.get(model, set()) & keys for model, keys in held.items())


def without_held_dependents(model: type[models.Model], pks: list[Any]) -> list[Any]:
    """These keys, less any whose deletion would cascade to a record under an active legal
    hold (a hold on a consent record keeps the subscriber it belongs to). Holds are few, so
    with none among the cascade this is one collection; otherwise each row is checked."""
    held = _held_by_model()
    if not held or not _held_among(_cascade(model, pks)[1], held):
        return pks
    return [pk for pk in pks if not _held_among(_cascade(model, [pk])[1], held)]


def _holds_personal_data(model: type[models.Model]) -> bool:
    declaration = declaration_for(model)
    return declaration is not None and declaration.holds_personal_data


def anonymise_records(plan: RetentionPlan, pks: list[Any]) -> int:
    """Blank the plan's declared fields on these rows (for erasure); returns how many."""
    return _anonymise(plan, pks)


def _anonymise(plan: RetentionPlan, pks: list[Any]) -> int:
    model = plan.model
    count = model._base_manager.filter(pk__in=pks).update(**(plan.anonymised_values or {}))
    for name in plan.anonymised_m2m:
        field = model._meta.get_field(name)
        through = field.remote_field.through  # type: ignore[union-attr]
        source = field.m2m_field_name()  # type: ignore[union-attr]
        through._base_manager.filter(**{f"{source}__in": pks}).delete()
    return count


def _redact_audit_entries(
    plan: RetentionPlan,
    pks: list[Any],
    *,
    receipt: DestructionReceipt,
    targets: list[str] | None = None,
) -> None:
    reason = (
        f"Retention: record {plan.rule.action.value}d under rule {plan.rule.key} "
        f"(destruction receipt {receipt.pk})"
    )
    if targets is None:
        _redact_audit_entries_about(plan.model, pks, reason=reason)
        return
    for target_id in targets:
        audit_redact_for_target(
            target_type=plan.model._meta.label_lower, target_id=target_id, actor=None, reason=reason
        )


def _redact_audit_entries_about(model: type[models.Model], pks: list[Any], *, reason: str) -> None:
    """Redact entries about the disposed records: one query finds which have any."""
    target_type = model._meta.label_lower
    unredacted = AuditEntry.objects.filter(target_type=target_type, redacted_at__isnull=True)
    if not unredacted.exists():  # the usual case for sessions, task results, attempts
        return
    alias = router.db_for_read(AuditEntry)
    quote = connections[alias].ops.quote_name
    in_targets, references = _in_keys(
        connections[alias], quote("target_id"), [str(pk) for pk in pks]
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {quote('target_id')} FROM {quote(AuditEntry._meta.db_table)} "  # noqa: S608  (names from the model)
            f"WHERE {quote('target_type')} = %s AND {quote('redacted_at')} IS NULL "
            f"AND {in_targets}",
            [target_type, *references],
        )
        targets = [row[0] for row in cursor.fetchall()]
    for target_id in targets:
        audit_redact_for_target(
            target_type=target_type, target_id=target_id, actor=None, reason=reason
        )


def _close(run: _Run) -> DestructionReceipt:
    assert run.receipt is not None  # noqa: S101  (only called once something was disposed of)
    with transaction.atomic():
        receipt = DestructionReceipt.objects.select_for_update().get(pk=run.receipt.pk)
        receipt.count = receipt.batches.aggregate(total=Sum("count"))["total"] or 0
        receipt.finished_at = timezone.now()
        entry = audit_log(
            action="privacy.retention.disposed",
            actor=None,
            target=receipt,
            details={
                "rule": run.plan.rule.key,
                "model": run.plan.model_label,
                "action": run.plan.rule.action.value,
                "count": receipt.count,
                "receipt": receipt.pk,
            },
        )
        receipt.audit_sequence = entry.sequence
        receipt.save(update_fields=["count", "finished_at", "audit_sequence"])
    return receipt


# --- Reports -----------------------------------------------------------------------------------


def _due_counts(plan: RetentionPlan, *, cutoff: datetime, held: set[Any]) -> tuple[int, int]:
    """How many rows are due at ``cutoff``: (not under a legal hold, under one)."""
    due = _due(plan, cutoff=cutoff)
    return due.exclude(pk__in=held).count(), due.filter(pk__in=held).count() if held else 0


@dataclass(frozen=True)
class ChangeImpact:
    """What one record type's disposal at the next sweep would gain from a shorter period."""

    model_label: str
    record_type: str
    action: str
    newly_due: int  # not yet due under the current period, due under the proposed one
    held: int  # would newly be due, but a legal hold keeps them


def retention_change_impact(
    *, rule_key: str, days: int, now: datetime | None = None
) -> list[ChangeImpact]:
    """For each record type under the rule, how many records the next sweep would dispose
    of with ``days`` as the period that it would not with the current period."""
    now = now or timezone.now()
    lines = []
    for plan in retention_plans():
        if plan.rule.key != rule_key or not plan.automated:
            continue
        held = _held_pks(plan.model)
        proposed = dataclasses.replace(plan, days=days)
        due_now, held_now = _due_counts(plan, cutoff=_cutoff(plan, now), held=held)
        due_then, held_then = _due_counts(proposed, cutoff=_cutoff(proposed, now), held=held)
        lines.append(
            ChangeImpact(
                model_label=plan.model_label,
                record_type=str(plan.model._meta.verbose_name_plural),
                action=plan.rule.action.value,
                # A longer period makes nothing due sooner.
                newly_due=max(due_then - due_now, 0),
                held=max(held_then - held_now, 0),
            )
        )
    return lines


@dataclass(frozen=True)
class ReleaseEffect:
    """What releasing one legal hold would let the next sweep do to the record it holds."""

    record_type: str
    action: str  # "delete" or "anonymise"
    period_days: int
    automated: bool  # whether the sweep disposes of this type of record at all
    found: bool  # the record still exists
    past_its_period: bool  # its retention period has ended: the next sweep would take it
    still_held: bool  # another active hold keeps it anyway

    @property
    def disposed_at_next_sweep(self) -> bool:
        return self.automated and self.found and self.past_its_period and not self.still_held


def hold_release_effect(hold: LegalHold, *, now: datetime | None = None) -> ReleaseEffect:
    """Whether the record under ``hold`` is past its retention period, so that releasing the
    hold would let the next sweep dispose of it (unless another hold keeps it)."""
    now = now or timezone.now()
    model = hold.content_type.model_class()
    plan = next((plan for plan in retention_plans() if plan.model is model), None)
    if model is None or plan is None:
        return ReleaseEffect("records", "", 0, False, False, False, False)
    try:
        pk = model._meta.pk.to_python(hold.object_id)
    except ValidationError:
        pk = None
    record = model._base_manager.filter(pk=pk) if pk is not None else model._base_manager.none()
    past = plan.automated and _due(plan, cutoff=_cutoff(plan, now)).filter(pk=pk).exists()
    return ReleaseEffect(
        record_type=str(model._meta.verbose_name),
        action=plan.rule.action.value,
        period_days=plan.days,
        automated=plan.automated,
        found=record.exists(),
        past_its_period=bool(past),
        still_held=LegalHold.objects.active()
        .filter(content_type=hold.content_type_id, object_id=hold.object_id)
        .exclude(pk=hold.pk)
        .exists(),
    )


@dataclass(frozen=True)
class ForecastLine:
    rule_key: str
    model_label: str
    record_type: str
    action: str
    due_now: int  # already past their period (the next sweep takes them)
    due: int  # due by the end of the forecast, including due_now
    held: int  # would be due, but are under a legal hold


def retention_forecast(*, days: int = 30, now: datetime | None = None) -> list[ForecastLine]:
    """What the sweep will dispose of in the next ``days`` days, per rule and model."""
    now = now or timezone.now()
    lines = []
    for plan in retention_plans():
        if not plan.automated:
            continue
        held = _held_pks(plan.model)
        due, held_by_then = _due_counts(
            plan, cutoff=_cutoff(plan, now + timedelta(days=days)), held=held
        )
        line = ForecastLine(
            rule_key=plan.rule.key,
            model_label=plan.model_label,
            record_type=str(plan.model._meta.verbose_name_plural),
            action=plan.rule.action.value,
            due_now=_due(plan, cutoff=_cutoff(plan, now)).exclude(pk__in=held).count(),
            due=due,
            held=held_by_then,
        )
        if line.due or line.held:
            lines.append(line)
    return lines


def retention_overdue_count(*, now: datetime | None = None) -> int:
    """Records past their retention period, not under a legal hold, and still not disposed of.

    Zero after a sweep. Declarations the engine cannot dispose of (no trigger, nothing to
    anonymise) cannot be counted here; ``retention_not_automated`` names them.
    """
    now = now or timezone.now()
    held_anywhere = bool(_held_by_model())
    total = 0
    for plan in retention_plans():
        if not plan.automated:
            continue
        due = _due(plan, cutoff=_cutoff(plan, now)).exclude(pk__in=_held_pks(plan.model))
        if (
            not held_anywhere
            or plan.rule.action is not Action.DELETE
            or _can_fast_delete(plan.model)
        ):
            total += due.count()
            continue
        # Rows kept because their deletion would take a held record with it are not overdue.
        keys = due.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE)
        chunk: list[Any] = []
        for key in keys:
            chunk.append(key)
            if len(chunk) == BATCH_SIZE:
                total += len(without_held_dependents(plan.model, chunk))
                chunk = []
        if chunk:
            total += len(without_held_dependents(plan.model, chunk))
    return total


def retention_not_automated() -> list[tuple[str, str, str]]:
    """(model label, rule key, why) for each declaration whose rule disposes of records but
    that the engine cannot dispose of."""
    return [
        (plan.model_label, plan.rule.key, plan.not_automated)
        for plan in retention_plans()
        if plan.rule.action is not Action.KEEP and not plan.automated
    ]
