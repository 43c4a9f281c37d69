from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safeguarding.accounts import services
from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.demo.casereviews import seed_casereviews_demo
from safeguarding.demo.cdop import seed_cdop_demo
from safeguarding.demo.training import seed_training_demo

DEMO_PASSWORD = "demo-only-passphrase-2026"  # noqa: S105  (invented demo accounts only)
DEMO_DOMAIN = "demo.invalid"  # a reserved domain: mail to it can never be delivered

DEMO_STAFF: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("admin", "Alex Admin (demo)", (Role.PARTNERSHIP_ADMINISTRATOR,)),
    # Coordinates the programme and also trains (the demo sessions name her as trainer).
    ("training", "Tara Trainer (demo)", (Role.TRAINING_COORDINATOR, Role.TRAINER)),
    ("comms", "Colin Comms (demo)", (Role.COMMUNICATIONS_OFFICER,)),
    ("dpo", "Dana Protection (demo)", (Role.DATA_PROTECTION_LEAD,)),
    ("panel", "Priya Panel (demo)", (Role.REVIEW_PANEL_MEMBER,)),
    ("reviews", "Rhea Reviews (demo)", (Role.REVIEW_OFFICER,)),
    ("cdop", "Chris Cdop (demo)", (Role.CDOP_COORDINATOR,)),
)


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = (
        "Create the invented demo set-up: one staff account per role (all marked as demo). "
        "Idempotent. Refuses to run unless DEMO_MODE is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo only runs in demo mode (DEMO_MODE=true); it never runs in production."
            )
        created = 0
        with transaction.atomic():
            for local_part, name, roles in DEMO_STAFF:
                if User.objects.filter(email=demo_email(local_part)).exists():
                    continue
                services.staff_create(
                    email=demo_email(local_part),
                    full_name=name,
                    password=DEMO_PASSWORD,
                    roles=list(roles),
                    actor=None,
                    is_demo=True,
                )
                created += 1
        courses = seed_training_demo()
        cases = seed_casereviews_demo(
            officer=User.objects.get(email=demo_email("reviews")),
            panel=User.objects.get(email=demo_email("panel")),
        )
        reviews = seed_cdop_demo(
            coordinator=User.objects.get(email=demo_email("cdop")),
            manager=User.objects.get(email=demo_email("admin")),
        )
        self.stdout.write(f"Demo data: {created} account(s) created; all data shown is invented.")
        self.stdout.write(f"Training demo: {courses} invented course(s) created.")
        self.stdout.write(
            f"Case reviews demo: {cases} invented case(s) opened; panel@ is a member of two."
        )
        self.stdout.write(
            f"Child death reviews demo: {reviews} invented review(s) opened; only cdop@ is "
            "a member of them."
        )
        call_command("seed_demo_newsletter", stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write("Sign in to the staff area at " + f"{settings.SITE_URL}/staff/")
        self.stdout.write(
            f"  email:    {demo_email('admin')}  "
            f"(or training@, comms@, dpo@, panel@, reviews@, cdop@ {DEMO_DOMAIN})"
        )
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        self.stdout.write("  second step: an authenticator app, or without a phone run")
        self.stdout.write(f"    .venv/bin/python manage.py demo_code {demo_email('admin')}")
