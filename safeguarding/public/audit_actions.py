"""The audit actions the public site writes (``safeguarding.audit.actions``)."""

from safeguarding.audit.actions import register

register("public", {"public.enquiry.received": "A message came in through the contact form"})
