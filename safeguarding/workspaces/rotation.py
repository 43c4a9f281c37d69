"""Key rotation: re-encrypt every encrypted value still sealed under an older key with the
key that seals new values (the first of ``WORKSPACE_ENCRYPTION_KEYS``).

Resumable and idempotent: it only ever touches values not yet on the newest key, in batches
ordered by primary key, each batch its own transaction; a run that is killed loses at most
the batch in hand, and the next run starts again from what is left. Each value is replaced
only if it is still the one that was read (compare and swap), so a member saving the record
at the same moment wins and nothing they wrote is overwritten with older text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast, Left

from safeguarding.audit.services import audit_log
from safeguarding.core import crypto
from safeguarding.core.encrypted_fields import ROW_KEY, EncryptedField, Sealed, encrypted_fields

Progress = Callable[[str], None]


@dataclass
class RotationResult:
    model_label: str
    rows_to_do: int  # rows with a value on an older key when the run started
    values_rotated: int


def models_with_encrypted_fields() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if encrypted_fields(m)]


def _stale(
    model: type[models.Model], fields: list[EncryptedField]
) -> models.QuerySet[models.Model]:
    """Rows with at least one value not sealed under the current key."""
    prefix = f"{crypto.VERSION}:{crypto.keyring().current_id}:"
    annotations = {
        f"_head_{f.attname}": Left(Cast(f.attname, output_field=TextField()), len(prefix))
        for f in fields
    }
    stale = Q()
    for f in fields:
        stale |= Q(**{f"{f.attname}__isnull": False}) & ~Q(**{f"_head_{f.attname}": prefix})
    rows: models.QuerySet[models.Model] = model._base_manager.annotate(**annotations)
    return rows.filter(stale)


def stale_count(model: type[models.Model]) -> int:
    fields = encrypted_fields(model)
    return _stale(model, fields).count() if fields else 0


def rotate_model(
    model: type[models.Model], *, batch_size: int = 100, progress: Progress | None = None
) -> RotationResult:
    fields = encrypted_fields(model)
    label = model._meta.label_lower
    result = RotationResult(label, _stale(model, fields).count() if fields else 0, 0)
    if not fields or not result.rows_to_do:
        return result
    last_pk = None
    done_rows = 0
    while True:
        batch = _stale(model, fields).order_by("pk")
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        rows = list(batch.values_list("pk", ROW_KEY, *(f.attname for f in fields))[:batch_size])
        if not rows:
            break
        with transaction.atomic():
            for pk, row_key, *values in rows:
                changes: dict[str, Sealed] = {}
                expected: dict[str, Sealed] = {}
                for field, value in zip(fields, values, strict=True):
                    if not isinstance(value, Sealed) or crypto.is_current(value.token):
                        continue
                    binding = crypto.binding_for(label, field.name, row_key)
                    plaintext = crypto.unseal(value.token, binding=binding)
                    changes[field.attname] = Sealed(crypto.seal(plaintext, binding=binding))
                    expected[field.attname] = value
                if changes and model._base_manager.filter(pk=pk, **expected).update(**changes):
                    result.values_rotated += len(changes)
        last_pk = rows[-1][0]
        done_rows += len(rows)
        if progress:
            progress(f"{label}: {min(done_rows, result.rows_to_do)} of {result.rows_to_do} row(s)")
    return result


def rotate_keys(
    *,
    models_to_rotate: Iterable[type[models.Model]] | None = None,
    batch_size: int = 100,
    progress: Progress | None = None,
) -> list[RotationResult]:
    """Re-encrypt every value on an older key, model by model; one audit entry per run that
    changed anything (the key ids only)."""
    results = [
        rotate_model(model, batch_size=batch_size, progress=progress)
        for model in (models_to_rotate or models_with_encrypted_fields())
    ]
    rotated = {r.model_label: r.values_rotated for r in results if r.values_rotated}
    if rotated:
        audit_log(
            action="workspaces.keys.rotated",
            actor=None,
            details={"key": crypto.keyring().current_id, "values": rotated},
        )
    return results
