from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguarding.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain from the first entry to the last. Exits non-zero, "
        "naming the first broken entry and the kind of problem, if anything was altered or "
        "removed. Run it daily and alert on failure."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            where = (
                "the chain head"
                if result.first_broken_sequence is None
                else f"entry {result.first_broken_sequence}"
            )
            raise CommandError(
                f"Audit chain broken at {where} after {result.checked} good entries: "
                f"{result.problem}"
            )
        self.stdout.write(f"Audit chain intact: {result.checked} entries")
