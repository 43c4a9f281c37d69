from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.newsletter.bounces import bounce_record
from safeguarding.newsletter.mailboxes import bounces_in, read_messages


class Command(BaseCommand):
    help = (
        "Read bounce reports (RFC 3464) and complaint reports (RFC 5965) from a piped message, "
        "an mbox file or a Maildir: hard bounces and complaints suppress the address, soft "
        "bounces are counted and suppress after NEWSLETTER_SOFT_BOUNCE_LIMIT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("mailbox", nargs="?", help="mbox file or Maildir (default: stdin)")

    def handle(self, *args: Any, mailbox: str | None, **options: Any) -> None:
        reports = suppressed = 0
        try:
            for message in read_messages(mailbox, sys.stdin.buffer):
                for address, kind in bounces_in(message):
                    reports += 1
                    suppressed += bounce_record(email=address, kind=kind, source="mailbox")
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{reports} bounce report(s) read, {suppressed} address(es) suppressed")
