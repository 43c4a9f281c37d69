"""On PostgreSQL, make the read log append-only in the database itself: UPDATE and DELETE of
a row are refused, whoever asks. Nothing in the application changes a read once logged (the
retention rule keeps reads as long as the audit trail), and each past day's rows are sealed
by a digest in the audit chain, which ``verify_read_log`` checks.

As for the audit trail (audit migration 0002), TRUNCATE is not blocked: it needs the table
owner, and in production the application connects as a role that holds only SELECT and
INSERT on this table. On SQLite there is no trigger; the seals still show any change.
"""

from django.db import migrations

from safeguarding.core.migrations_helpers import RunSQLOnPostgreSQL

INSTALL = [
    """
    CREATE FUNCTION workspaces_read_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'The read log is append-only: ' || TG_OP || ' of read ' || OLD.id
                || ' refused.';
    END;
    $$
    """,
    """
    CREATE TRIGGER workspaces_read_log_append_only
        BEFORE UPDATE OR DELETE ON workspaces_readlog
        FOR EACH ROW EXECUTE FUNCTION workspaces_read_log_append_only()
    """,
]

UNINSTALL = [
    "DROP TRIGGER IF EXISTS workspaces_read_log_append_only ON workspaces_readlog",
    "DROP FUNCTION IF EXISTS workspaces_read_log_append_only()",
]


class Migration(migrations.Migration):
    dependencies = [("workspaces", "0001_initial")]

    operations = [RunSQLOnPostgreSQL(sql=INSTALL, reverse_sql=UNINSTALL)]
