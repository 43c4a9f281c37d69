from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguarding.core.promises import Outcome, check_all


class Command(BaseCommand):
    help = (
        "Check each promise of the privacy notice (P01-P24) against the live database and "
        "configuration. Exits non-zero when any promise fails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = check_all()
        for result in results:
            self.stdout.write(f"{result.promise}: {result.outcome} - {result.evidence}")
        failed = [r.promise for r in results if r.outcome is Outcome.FAIL]
        counts = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
        self.stdout.write(
            f"{counts[Outcome.PASS]} kept, {counts[Outcome.FAIL]} broken, "
            f"{counts[Outcome.NOT_YET_BUILT]} not yet built"
        )
        if failed:
            raise CommandError(f"Promises broken: {', '.join(failed)}")
