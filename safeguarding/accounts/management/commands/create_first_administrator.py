"""``manage.py create_first_administrator``: the first partnership administrator on a new
installation, through the same invitation as everyone else.

It asks for the person's name and email address (or takes ``--name`` and ``--email``),
creates their account with the partnership administrator role, inactive and without a
password, and emails them the one-time set-up link (a background task: the worker must be
running). With ``--print-link`` it prints the link here instead, for an installation whose
email is not working yet; the link is a credential until used, so treat the terminal
output as secret. The person chooses their own password and sets up two-factor.

It refuses to run, exiting non-zero with the reason, when an active partnership administrator
exists: from then on, administrators invite people in the staff area. Run again before the
invitation is accepted, for the same address, it sends a new link (the earlier one stops
working).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from safeguarding.accounts import invitations
from safeguarding.core import dates

ADMINISTRATOR_EXISTS = (
    "An active partnership administrator already exists. Ask them to invite people from "
    "People and access in the staff area; this command only sets up a new installation."
)


class Command(BaseCommand):
    help = (
        "Invite the first partnership administrator of a new installation: emails (or, with "
        "--print-link, prints) a one-time link to set their password and two-factor. Refuses "
        "to run once an active partnership administrator exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="The administrator's full name (asked if not given)")
        parser.add_argument("--email", help="Their email address (asked if not given)")
        parser.add_argument(
            "--print-link",
            action="store_true",
            help="Print the set-up link instead of emailing it (it is a secret until used)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if invitations.an_administrator_exists():
            raise CommandError(ADMINISTRATOR_EXISTS)
        name = (options["name"] or self._ask("Full name: ")).strip()
        email = (options["email"] or self._ask("Email address: ")).strip().lower()
        if not name:
            raise CommandError("Enter the administrator's full name.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(
                "Enter an email address in the correct format, like name@example.org."
            ) from None
        try:
            invitation = invitations.first_administrator_invite(name=name, email=email)
        except invitations.AdministratorExists:
            raise CommandError(ADMINISTRATOR_EXISTS) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        link = invitations.invitation_link(invitation) if options["print_link"] else ""
        expires = dates.day(invitation.expires_at)
        if link:
            self.stdout.write(
                f"Give this one-time link to {name} ({email}) privately. It works once, until "
                f"{expires}:\n\n{link}\n"
            )
        else:
            self.stdout.write(
                f"An invitation is being emailed to {email} (the worker sends it). The link "
                f"works once, until {expires}."
            )

    def _ask(self, prompt: str) -> str:
        try:
            return input(prompt)
        except EOFError:
            raise CommandError(
                "No answer given. Pass --name and --email when there is no terminal."
            ) from None
