from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.audit.anchors import AnchorFileError, check_anchors, read_anchor_file
from safeguarding.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain from the first entry to the last. Exits non-zero, "
        "naming the first broken entry and the kind of problem, if anything was altered or "
        "removed. With --anchors, also checks every anchored head (see AUDIT_ANCHOR_FILE) is "
        "still in the chain, which finds entries cut off the end. Run it daily and alert on "
        "failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            type=Path,
            help="a file of anchor lines (the AUDIT_ANCHOR_FILE, or lines from anchor emails)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = []
        if options["anchors"] is not None:
            try:
                anchors = read_anchor_file(options["anchors"])
            except AnchorFileError as error:
                raise CommandError(str(error)) from None
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
        problems = check_anchors(anchors)
        if problems:
            raise CommandError("Audit trail does not match its anchors: " + "; ".join(problems))
        message = f"Audit chain intact: {result.checked} entries"
        if options["anchors"] is not None:
            message += f", matching {len(anchors)} anchor{'s' if len(anchors) != 1 else ''}"
        else:
            message += (
                ". Without --anchors this cannot tell whether entries were cut off the end of "
                "the chain: give it the anchor file (AUDIT_ANCHOR_FILE) or anchor emails"
            )
        self.stdout.write(message)
