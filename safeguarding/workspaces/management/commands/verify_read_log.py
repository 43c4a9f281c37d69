from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguarding.workspaces.read_log import verify_read_log


class Command(BaseCommand):
    help = (
        "Check every sealed day of the read log of restricted records against its seal in "
        "the audit chain. Exits non-zero, naming the first day that does not match. Run it "
        "with audit_verify (the seals are only as sound as the chain that holds them)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_read_log()
        if not result.ok:
            raise CommandError(
                f"Read log does not match its seal on {result.first_bad_day:%Y-%m-%d} "
                f"after {result.days_checked} good day(s): {result.problem}"
            )
        self.stdout.write(f"Read log intact: {result.days_checked} sealed day(s) match")
