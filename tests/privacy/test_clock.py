"""The UK GDPR clock: one calendar month, to the next working day, paused and extended."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.privacy.rights.clock import (
    ExtensionRefused,
    Pause,
    check_extension,
    clock_start,
    days_left,
    days_paused,
    due_date,
)


def test_the_clock_starts_on_the_later_of_receipt_and_identity() -> None:
    assert clock_start(date(2026, 3, 2), date(2026, 3, 9)) == date(2026, 3, 9)
    assert clock_start(date(2026, 3, 9), date(2026, 3, 2)) == date(2026, 3, 9)
    assert clock_start(date(2026, 3, 9), None) is None


def test_no_due_date_until_identity_is_confirmed() -> None:
    assert due_date(date(2026, 3, 2), None) is None


def test_due_one_month_after_identity_confirmed() -> None:
    # Received 2 March, ID 9 March (Monday): due Thursday 9 April.
    assert due_date(date(2026, 3, 2), date(2026, 3, 9)) == date(2026, 4, 9)


def test_31_january_is_due_at_the_end_of_february() -> None:
    # 28 February 2030 is a Thursday; 29 February 2028 is a Tuesday.
    assert due_date(date(2030, 1, 31), date(2030, 1, 31)) == date(2030, 2, 28)
    assert due_date(date(2028, 1, 31), date(2028, 1, 31)) == date(2028, 2, 29)


def test_30_april_is_due_30_may() -> None:
    # 30 May 2029 is a Wednesday.
    assert due_date(date(2029, 4, 30), date(2029, 4, 30)) == date(2029, 5, 30)


def test_a_due_date_on_christmas_day_moves_to_the_next_working_day() -> None:
    # Received 25 November 2026: due Friday 25 December -> Tuesday 29 December.
    assert due_date(date(2026, 11, 25), date(2026, 11, 25)) == date(2026, 12, 29)


def test_a_due_date_at_a_weekend_moves_to_monday() -> None:
    # 13 June 2026 is a Saturday.
    assert due_date(date(2026, 5, 13), date(2026, 5, 13)) == date(2026, 6, 15)


def test_pauses_add_the_days_paused() -> None:
    pauses = [
        Pause(date(2026, 3, 12), date(2026, 3, 17)),
        Pause(date(2026, 3, 20), date(2026, 3, 22)),
    ]
    assert days_paused(pauses, as_of=date(2026, 4, 1)) == 7
    # 9 April + 7 days = 16 April (Thursday).
    assert due_date(date(2026, 3, 9), date(2026, 3, 9), pauses) == date(2026, 4, 16)


def test_pause_days_are_added_before_rolling_to_a_working_day() -> None:
    # Base 9 April (Thursday) + 2 days = Saturday 11 April -> Monday 13 April.
    pauses = [Pause(date(2026, 3, 12), date(2026, 3, 14))]
    assert due_date(date(2026, 3, 9), date(2026, 3, 9), pauses) == date(2026, 4, 13)


def test_a_running_pause_counts_up_to_the_day_asked_about() -> None:
    pauses = [Pause(date(2026, 3, 12))]
    assert due_date(date(2026, 3, 9), date(2026, 3, 9), pauses, as_of=date(2026, 3, 15)) == date(
        2026, 4, 13
    )  # 9 April + 3 = Sunday 12 April -> Monday 13 April
    with pytest.raises(ValueError, match="as_of"):
        due_date(date(2026, 3, 9), date(2026, 3, 9), pauses)


def test_a_pause_that_starts_and_ends_the_same_day_adds_nothing() -> None:
    assert days_paused([Pause(date(2026, 3, 12), date(2026, 3, 12))], as_of=date(2026, 4, 1)) == 0


def test_an_extension_counts_whole_months_from_the_start() -> None:
    # Start 31 January 2029. Three months in all -> 30 April (Monday). Two months -> Saturday
    # 31 March, then past Easter (Good Friday 30 March, Easter Monday 2 April) -> 3 April.
    assert due_date(date(2029, 1, 31), date(2029, 1, 31), extension_months=2) == date(2029, 4, 30)
    assert due_date(date(2029, 1, 31), date(2029, 1, 31), extension_months=1) == date(2029, 4, 3)


def test_the_clock_refuses_an_extension_of_three_months() -> None:
    with pytest.raises(ExtensionRefused, match="at most 2"):
        due_date(date(2026, 1, 5), date(2026, 1, 5), extension_months=3)


def test_an_extension_notice_within_the_first_month_is_allowed() -> None:
    check_extension(
        original_due=date(2026, 4, 9),
        notice_sent=date(2026, 4, 9),
        months=2,
        already_extended=False,
    )
    check_extension(
        original_due=date(2026, 4, 9),
        notice_sent=date(2026, 3, 20),
        months=1,
        already_extended=False,
    )


def test_an_extension_notice_after_the_original_due_date_is_refused() -> None:
    with pytest.raises(ExtensionRefused, match="within the first month, on or before 9 April 2026"):
        check_extension(
            original_due=date(2026, 4, 9),
            notice_sent=date(2026, 4, 10),
            months=1,
            already_extended=False,
        )


@pytest.mark.parametrize("months", [0, 3, -1])
def test_an_extension_must_be_one_or_two_months(months: int) -> None:
    with pytest.raises(ExtensionRefused, match="Extend by 1 or 2 months"):
        check_extension(
            original_due=date(2026, 4, 9),
            notice_sent=date(2026, 3, 20),
            months=months,
            already_extended=False,
        )


def test_a_second_extension_is_refused() -> None:
    with pytest.raises(ExtensionRefused, match="already been extended"):
        check_extension(
            original_due=date(2026, 4, 9),
            notice_sent=date(2026, 3, 20),
            months=1,
            already_extended=True,
        )


def test_days_left() -> None:
    assert days_left(date(2026, 4, 9), today=date(2026, 4, 1)) == 8
    assert days_left(date(2026, 4, 9), today=date(2026, 4, 9)) == 0
    assert days_left(date(2026, 4, 9), today=date(2026, 4, 12)) == -3
