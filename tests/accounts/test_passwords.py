"""Password policy: at least 12 characters, long passphrases, a deny-list, no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from safeguarding.accounts.models import User
from safeguarding.config.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

pytestmark = pytest.mark.django_db


def test_eleven_characters_are_too_few() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("abcdefghijk")


def test_twelve_lower_case_letters_are_enough() -> None:
    validate_password("plumtreecats")  # no digits, symbols or capitals required


def test_a_long_passphrase_is_accepted() -> None:
    validate_password("a long passphrase with spaces " * 6)  # 180 characters


def test_a_megabyte_password_is_refused() -> None:
    with pytest.raises(ValidationError, match="256 characters or fewer"):
        validate_password("x" * 1_000_000)


def test_common_passwords_are_refused() -> None:
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")


def test_passwords_are_hashed_with_argon2(settings) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
    user = User.objects.create_user("hash@example.org", "plumtreecats-and-dogs", full_name="H")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_the_suite_hashes_fast_but_production_uses_argon2_first() -> None:
    from django.conf import settings

    assert PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.PASSWORD_HASHERS[1:] == PRODUCTION_PASSWORD_HASHERS
