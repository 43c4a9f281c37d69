"""A course's prerequisites refuse a number too large for the database as an unknown course,
instead of a server error (found by the form fuzzer on SQLite)."""

from __future__ import annotations

import pytest

from safeguarding.training.forms_staff import CourseForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "1" * 40])
def test_a_prerequisite_too_large_for_the_database_is_not_one_of_the_choices(value: str) -> None:
    form = CourseForm(data={"title": "A course", "prerequisites": [value]})

    assert not form.is_valid()
    assert form["prerequisites"].errors == ["Choose from the list"]
