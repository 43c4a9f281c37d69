"""Email addresses as every app stores and compares them."""

from __future__ import annotations


def normalise_email(email: str) -> str:
    """The address as stored: surrounding spaces gone, lower case (domains are
    case-insensitive, and in practice so are the mailboxes of the partnership's partners)."""
    return email.strip().lower()
