from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.core import crypto
from safeguarding.workspaces.rotation import models_with_encrypted_fields, rotate_keys, stale_count


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value of every model with the newest key (the first of "
        "WORKSPACE_ENCRYPTION_KEYS), in batches. Safe to stop and run again: it carries on "
        "with what is left, and does nothing when nothing is left. --check only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit non-zero if any value is still on an older key.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        current = crypto.keyring().current_id
        if options["check"]:
            left = {m._meta.label_lower: stale_count(m) for m in models_with_encrypted_fields()}
            left = {label: count for label, count in left.items() if count}
            if left:
                raise CommandError(
                    f"Rows with values on keys other than {current!r}: "
                    + ", ".join(f"{label} {count}" for label, count in left.items())
                )
            self.stdout.write(f"Every encrypted value is on key {current!r}.")
            return
        results = rotate_keys(batch_size=options["batch_size"], progress=self.stdout.write)
        total = sum(r.values_rotated for r in results)
        self.stdout.write(
            f"Re-encrypted {total} value(s) with key {current!r}. Every encrypted value is now "
            f"on it: keys other than {current!r} can be removed from WORKSPACE_ENCRYPTION_KEYS "
            "once no backup you may restore still needs them."
        )
