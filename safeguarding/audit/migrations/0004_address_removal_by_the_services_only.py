"""Only the redaction service and the daily address job may change an entry (PostgreSQL).

Migration 0003 let any UPDATE empty the address of a version 2 entry, and let any UPDATE make a
first redaction. A generic tool with a bug, or a raw ``.update()`` written elsewhere, could
therefore remove addresses early. Now each of those changes also needs the service to have
said, for its own transaction, which change it is making (``safeguarding.audit.services``
sets the setting ``safeguarding.audit_change`` with ``set_config(..., true)`` and clears it
afterwards):

* ``redaction``: a first redaction (``audit_redact``, ``audit_redact_for_target``), which on a
  version 2 entry may also empty the address;
* ``forget_addresses``: emptying the address of a version 2 entry written before the cut-off
  the job names in ``safeguarding.audit_address_cutoff`` (``audit_forget_addresses``).

The rest is as before: nothing chained may change, nothing may be deleted.
"""

from importlib import import_module

from django.db import migrations

from safeguarding.audit.migrations._postgres import RunSQLOnPostgreSQL

_0003 = import_module("safeguarding.audit.migrations.0003_removable_addresses")

CHANGE = "current_setting('safeguarding.audit_change', true)"
CUTOFF = "NULLIF(current_setting('safeguarding.audit_address_cutoff', true), '')::timestamptz"

REPLACE = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {_0003._same(_0003.FIXED_COLUMNS)} THEN
        IF {CHANGE} = 'redaction'
            AND OLD.redacted_at IS NULL
            AND NEW.redacted_at IS NOT NULL
            AND NEW.redaction_reason <> ''
            AND NEW.details = '{{"redacted": true}}'::jsonb
            AND NEW.reason = ''
            AND {_0003.ADDRESS_KEPT_OR_EMPTIED}
        THEN
            RETURN NEW;
        END IF;
        IF {CHANGE} = 'forget_addresses'
            AND OLD.chain_version >= 2
            AND OLD.ip_address IS NOT NULL
            AND NEW.ip_address IS NULL
            AND OLD.occurred_at < {CUTOFF}
            AND {_0003._same(_0003.CONTENT_COLUMNS)}
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' of entry '
            || OLD.sequence || ' refused (only the redaction service, or the daily job '
            || 'removing old network addresses, may change an entry).';
END;
$$
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_removable_addresses")]

    operations = [RunSQLOnPostgreSQL(sql=[REPLACE], reverse_sql=[_0003.REPLACE])]
