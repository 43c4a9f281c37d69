from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.newsletter.mailboxes import read_messages, unsubscribe_payload
from safeguarding.newsletter.services import unsubscribe_by_token


class Command(BaseCommand):
    help = (
        "Unsubscribe the senders of mailto: List-Unsubscribe messages, trusting only the "
        "signed token in the address, subject or body. Reads one message piped on stdin "
        "(for an MTA pipe alias), or every message in an mbox file or Maildir directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("mailbox", nargs="?", help="mbox file or Maildir (default: stdin)")

    def handle(self, *args: Any, mailbox: str | None, **options: Any) -> None:
        done = ignored = 0
        try:
            for message in read_messages(mailbox, sys.stdin.buffer):
                payload = unsubscribe_payload(message)
                if payload is None:
                    ignored += 1
                    continue
                unsubscribe_by_token(payload=payload)
                done += 1
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        # Counts only: never an address in the output or the logs.
        self.stdout.write(f"{done} unsubscribe request(s) handled, {ignored} without a valid token")
