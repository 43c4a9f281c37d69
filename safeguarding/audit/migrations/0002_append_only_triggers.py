"""On PostgreSQL, make the audit trail append-only in the database itself.

* Entries: DELETE is refused; UPDATE is refused unless it is a first-time redaction, where
  every chained column (and the hash) stays the same, ``redacted_at`` goes from NULL to a
  time, a ``redaction_reason`` is given, ``details`` becomes ``{"redacted": true}`` and
  ``reason`` becomes empty.
* Chain head: DELETE is refused; UPDATE may only move it on by exactly one entry.

TRUNCATE is not blocked. Row-level triggers do not fire for it, and Django's test runner
empties tables with TRUNCATE between transactional tests. TRUNCATE (like DROP and
``ALTER TABLE ... DISABLE TRIGGER``) needs the table owner or an explicit TRUNCATE grant, so
in production the application must connect as a role that does not own these tables and
holds only SELECT and INSERT on them, plus UPDATE for redaction and for the chain head;
migrations run as the owner. ``audit_verify`` detects whatever an owner removes.

On SQLite there are no triggers; ``audit_verify`` still detects any change.
"""

from django.db import migrations

from safeguarding.audit.migrations._postgres import RunSQLOnPostgreSQL

CHAINED_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "on_behalf_of_id",
    "action",
    "target_type",
    "target_id",
    "ip_address",
    "reason_digest",
    "details_digest",
    "prev_hash",
    "entry_hash",
)

INSTALL = [
    f"""
    CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
            AND OLD.redacted_at IS NULL
            AND NEW.redacted_at IS NOT NULL
            AND NEW.redaction_reason <> ''
            AND NEW.details = '{{"redacted": true}}'::jsonb
            AND NEW.reason = ''
            AND ({", ".join(f"NEW.{column}" for column in CHAINED_COLUMNS)})
                IS NOT DISTINCT FROM
                ({", ".join(f"OLD.{column}" for column in CHAINED_COLUMNS)})
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' of entry '
                || OLD.sequence || ' refused (only a first redaction may change an entry).';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_entry_append_only
        BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
    """
    CREATE FUNCTION audit_chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_sequence = OLD.last_sequence + 1
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'The audit chain head only moves forward: ' || TG_OP || ' refused.';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_chain_head_forward_only
        BEFORE UPDATE OR DELETE ON audit_auditchainhead
        FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only()
    """,
]

UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_chain_head_forward_only()",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [RunSQLOnPostgreSQL(sql=INSTALL, reverse_sql=UNINSTALL)]
