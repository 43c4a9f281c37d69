"""Periodic housekeeping for staff accounts.

None at present: failed-login counters, expired sessions and old memberships are disposed of
by the retention engine's daily sweep (``safeguarding.privacy.retention``), under the rules
their inventory declarations name.
"""
