"""Whose data a rights request is about: a ``SubjectKey``, and the helpers that declarations
use to find that subject's rows.

A subject is not always someone with an email address. A parent may ask for the records
about their child, who has none; a child in a case review is known by name, date of birth
and perhaps NHS number. So a declaration's ``subject_filter`` takes a ``SubjectKey`` and
returns the rows about that subject, or ``None`` when this kind of record cannot be about
such a subject (an account holds an email address, so a key without one finds no account)::

    declare("accounts.User", ..., subject_filter=by_email("email"))
    declare("training.Certificate", ..., subject_filter=by_email("booking__email"))
    declare("reviews.Child", ..., subject_filter=by_child(
        lookup_hash, name="name_lookup", date_of_birth="born_lookup", nhs_number="nhs_lookup"))

``by_child`` matches on keyed lookup hashes (the identity itself is stored encrypted); the
kernel imports nothing of the project, so the app passes in the function that hashes
(``safeguarding.core.crypto.lookup_hash``). A record matches on the NHS number when both
the key and the declaration have one, and otherwise only on the name AND the date of birth
together: a name alone is never enough to hand a child's record to someone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q


def _normalise_email(email: str) -> str:
    # As safeguarding.core.addresses.normalise_email, which this layer cannot import.
    return email.strip().lower()


@dataclass(frozen=True)
class ChildIdentity:
    """A child as a request names them: always a name, and a date of birth and/or an NHS
    number to tell them apart from another child of the same name."""

    full_name: str
    date_of_birth: date | None = None
    nhs_number: str = ""


@dataclass(frozen=True)
class SubjectKey:
    """Who a request is about. ``email`` is normalised (stripped, lower case) and may be
    empty; ``person_id`` is the privacy engine's Person, when the subject is one; ``child``
    is set when the subject is a child known by their identity rather than an address."""

    email: str = ""
    person_id: int | None = None
    child: ChildIdentity | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", _normalise_email(self.email or ""))

    @classmethod
    def for_email(cls, email: str, *, person_id: int | None = None) -> SubjectKey:
        return cls(email=email, person_id=person_id)

    @property
    def is_empty(self) -> bool:
        return not self.email and self.person_id is None and self.child is None

    def describe(self) -> str:
        """In plain words, for staff pages and the export; a child's NHS number is not
        repeated here."""
        if self.child is not None:
            born = (
                f", born {self.child.date_of_birth:%-d %B %Y}" if self.child.date_of_birth else ""
            )
            nhs = ", NHS number given" if self.child.nhs_number else ""
            return f"The child {self.child.full_name}{born}{nhs}"
        if self.email:
            return f"The person with the email address {self.email}"
        if self.person_id is not None:
            return f"Person {self.person_id}"
        return "No one identified"


# Finds one subject's rows; None when this kind of record cannot be about such a subject.
SubjectFilter = Callable[[SubjectKey], Q | None]


def by_email(*paths: str, where: Q | None = None) -> SubjectFilter:
    """The rows whose address at any of ``paths`` is the key's email (and that also match
    ``where``, if given); None without an email. Every email column is stored normalised, so
    the exact match can use the index."""
    if not paths:
        raise ValueError("by_email needs at least one field path.")

    def subject_filter(key: SubjectKey) -> Q | None:
        if not key.email:
            return None
        found: Q = reduce(or_, (Q(**{path: key.email}) for path in paths))
        return found & where if where is not None else found

    return subject_filter


def by_child(
    hash_value: Callable[[str, str], str],
    *,
    name: str | None = None,
    date_of_birth: str | None = None,
    nhs_number: str | None = None,
) -> SubjectFilter:
    """The rows holding the key's child's identity as lookup hashes, in the columns named.
    ``hash_value(kind, value)`` is the app's keyed hash (kinds "name", "date", "nhs_number").
    Give ``nhs_number``, or both ``name`` and ``date_of_birth``, or both."""
    if not nhs_number and not (name and date_of_birth):
        raise ValueError(
            "by_child needs an NHS number column, or a name and a date of birth column: "
            "a name alone is not enough to identify a child."
        )

    def subject_filter(key: SubjectKey) -> Q | None:
        child = key.child
        if child is None:
            return None
        matches: list[Q] = []
        if nhs_number and child.nhs_number:
            hashed = hash_value("nhs_number", child.nhs_number)
            if hashed:
                matches.append(Q(**{nhs_number: hashed}))
        if name and date_of_birth and child.full_name and child.date_of_birth:
            name_hash = hash_value("name", child.full_name)
            born_hash = hash_value("date", child.date_of_birth.isoformat())
            if name_hash and born_hash:
                matches.append(Q(**{name: name_hash, date_of_birth: born_hash}))
        if not matches:
            return None
        return reduce(or_, matches)

    return subject_filter


def either(*filters: SubjectFilter) -> SubjectFilter:
    """Rows that any of ``filters`` finds (those that return None are left out)."""

    def subject_filter(key: SubjectKey) -> Q | None:
        found = [q for q in (f(key) for f in filters) if q is not None]
        return reduce(or_, found) if found else None

    return subject_filter
