"""The date filters (``safeguarding.core.dates``), built into every template (settings
``TEMPLATES["OPTIONS"]["builtins"]``): ``{{ session.starts_at|weekday_moment }}``."""

from __future__ import annotations

from django import template

from safeguarding.core import dates

register = template.Library()

for _name in ("day", "weekday", "clock", "moment", "weekday_moment"):
    register.filter(_name, getattr(dates, _name), expects_localtime=False)
