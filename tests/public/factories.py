from __future__ import annotations

import factory

from safeguarding.public.models import Enquiry, EnquiryKind


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    kind = EnquiryKind.GENERAL
    name = factory.Sequence(lambda n: f"Invented Enquirer {n}")
    email = factory.Sequence(lambda n: f"enquirer{n}@example.org")
    message = "When is the next course on safer recruitment?"
