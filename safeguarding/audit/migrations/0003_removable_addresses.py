"""Network addresses become removable (chain version 2: the hash covers a keyed digest of the
address, see ``safeguarding.audit.chain``).

On PostgreSQL the append-only trigger is replaced. An UPDATE of an entry is still refused
unless every chained column, the digests, the version and the hash stay the same, and it is
one of:

* a first-time redaction, as before, which on a version 2 entry may also empty the address;
* on a version 2 entry, only emptying the address (the daily job, after AUDIT_ADDRESS_DAYS).

Version 1 entries (written before this migration) hash the address itself, so theirs stays.
"""

from importlib import import_module

from django.db import migrations, models

from safeguarding.audit.migrations._postgres import RunSQLOnPostgreSQL

FIXED_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "on_behalf_of_id",
    "action",
    "target_type",
    "target_id",
    "ip_digest",
    "chain_version",
    "reason_digest",
    "details_digest",
    "prev_hash",
    "entry_hash",
)
CONTENT_COLUMNS = ("details", "reason", "redacted_at", "redaction_reason")


def _same(columns: tuple[str, ...]) -> str:
    new = ", ".join(f"NEW.{column}" for column in columns)
    old = ", ".join(f"OLD.{column}" for column in columns)
    return f"({new}) IS NOT DISTINCT FROM ({old})"


ADDRESS_KEPT_OR_EMPTIED = (
    "(NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address"
    " OR (OLD.chain_version >= 2 AND NEW.ip_address IS NULL))"
)

REPLACE = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {_same(FIXED_COLUMNS)} THEN
        IF OLD.redacted_at IS NULL
            AND NEW.redacted_at IS NOT NULL
            AND NEW.redaction_reason <> ''
            AND NEW.details = '{{"redacted": true}}'::jsonb
            AND NEW.reason = ''
            AND {ADDRESS_KEPT_OR_EMPTIED}
        THEN
            RETURN NEW;
        END IF;
        IF OLD.chain_version >= 2
            AND OLD.ip_address IS NOT NULL
            AND NEW.ip_address IS NULL
            AND {_same(CONTENT_COLUMNS)}
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' of entry '
            || OLD.sequence || ' refused (only a first redaction, or removing a network '
            || 'address, may change an entry).';
END;
$$
"""

# Reversing puts back the function as migration 0002 made it.
RESTORE = (
    import_module("safeguarding.audit.migrations.0002_append_only_triggers")
    .INSTALL[0]
    .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="ip_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        RunSQLOnPostgreSQL(sql=[REPLACE], reverse_sql=[RESTORE]),
    ]
