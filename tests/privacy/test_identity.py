"""Security questions (P11): set by the person through an emailed link, answers only hashed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.urls import reverse

from safeguarding.audit.models import AuditEntry
from safeguarding.core import links
from safeguarding.privacy.callers.services import (
    LINK_PURPOSE,
    normalise_answer,
    security_questions_link,
    security_questions_set,
)
from safeguarding.privacy.models.identity import Question, SecurityQuestion
from safeguarding.privacy.models.person import Person

REQUEST_URL = "/your-data/security-questions/"
ANSWERS: dict[str, str] = {
    Question.FIRST_SCHOOL: "  St. Mary's ",
    Question.BIRTH_TOWN: "King's Lynn",
    Question.FIRST_PET: "Biscuit",
}


def _form_data(answers: dict[str, str]) -> dict[str, str]:
    data = {}
    for slot, (question, answer) in enumerate(answers.items(), start=1):
        data[f"question_{slot}"] = str(question)
        data[f"answer_{slot}"] = answer
    return data


def _link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+/your-data/security-questions/set/\S+/", message.body)
    assert match, message.body
    return _path(match.group(0))


def _without_nonces(page: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b"", page)


def _path(url: str) -> str:
    return urlsplit(url).path


# --- Normalising and hashing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  St. Mary's ", "st marys"),
        ("KING'S LYNN", "kings lynn"),
        ("Stoke-on-Trent", "stoke on trent"),
        ("Zoë", "zoe"),
        ("rex\t", " REX"),
    ],
)
def test_answers_match_whatever_their_case_spacing_and_punctuation(given: str, stored: str) -> None:
    assert normalise_answer(given) == normalise_answer(stored)


def test_different_answers_stay_different() -> None:
    assert normalise_answer("St Mary's") != normalise_answer("St Marks")


@pytest.mark.django_db
def test_answers_are_stored_only_as_hashes() -> None:
    person = Person.objects.create(email="sam@example.org")

    security_questions_set(person=person, answers=ANSWERS)

    rows = SecurityQuestion.objects.filter(person=person)
    assert {row.question for row in rows} == set(ANSWERS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM privacy_securityquestion")
        dumped = repr(cursor.fetchall()).lower()
    for raw in ("mary", "lynn", "biscuit"):
        assert raw not in dumped
    school = rows.get(question=Question.FIRST_SCHOOL)
    assert check_password(normalise_answer("st marys"), school.answer_hash)
    audit = AuditEntry.objects.get(action="privacy.security_questions.set")
    assert "mary" not in repr(audit.details).lower()


@pytest.mark.django_db
def test_setting_questions_again_replaces_the_old_ones() -> None:
    person = Person.objects.create(email="sam@example.org")
    security_questions_set(person=person, answers=ANSWERS)

    security_questions_set(
        person=person,
        answers={Question.FIRST_CAR: "Fiesta", Question.FIRST_JOB: "Paper round", **ANSWERS},
    )

    assert SecurityQuestion.objects.filter(person=person).count() == 5


# --- The public flow ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_person_sets_their_questions_through_the_emailed_link(
    client: Client, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> None:
    Person.objects.create(email="sam@example.org", full_name="Sam Jones")

    response = client.post(REQUEST_URL, {"email": " Sam@Example.org "})
    assert response.status_code == 302
    assert response["Location"] == reverse("security_questions:sent")
    run_tasks()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.org"]
    link = _link_in(mailoutbox[0])
    assert "sam" not in link.lower()
    assert client.get(link).status_code == 200

    response = client.post(link, _form_data(ANSWERS))

    assert response.status_code == 302
    assert response["Location"] == reverse("security_questions:done")
    assert SecurityQuestion.objects.filter(person__email="sam@example.org").count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_unknown_address_gets_the_same_answer_and_a_first_contact_link(
    client: Client, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> None:
    Person.objects.create(email="known@example.org")

    known = client.post(REQUEST_URL, {"email": "known@example.org"}, follow=True)
    unknown = client.post(REQUEST_URL, {"email": "new@example.org"}, follow=True)
    run_tasks()

    assert known.redirect_chain == unknown.redirect_chain
    assert _without_nonces(known.content) == _without_nonces(unknown.content)
    assert "if that address can receive email" in unknown.content.decode().lower()
    assert sorted(m.to[0] for m in mailoutbox) == ["known@example.org", "new@example.org"]
    assert Person.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_an_invalid_email_address_gets_a_form_error(client: Client) -> None:
    response = client.post(REQUEST_URL, {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_forged_link_gets_a_readable_400(client: Client) -> None:
    person = Person.objects.create(email="sam@example.org")
    link = security_questions_link(person)
    forged = link[:-2] + ("A/" if link[-2] != "A" else "B/")

    response = client.get(_path(forged))

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_link_gets_a_readable_400(client: Client) -> None:
    person = Person.objects.create(email="sam@example.org")
    a_day_ago = signing.b62_encode(int(time.time()) - 24 * 3600 - 60)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=a_day_ago):
        token = links.make_token(purpose=LINK_PURPOSE, payload={"person": person.pk})

    response = client.post(reverse("security_questions:set", args=[token]), _form_data(ANSWERS))

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert not SecurityQuestion.objects.exists()


@pytest.mark.django_db
def test_a_link_for_something_else_is_refused(client: Client) -> None:
    person = Person.objects.create(email="sam@example.org")
    token = links.make_token(purpose="rights-request", payload={"person": person.pk})

    response = client.get(reverse("security_questions:set", args=[token]))

    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            _form_data({Question.FIRST_SCHOOL: "St Marys", Question.BIRTH_TOWN: "Norwich"}),
            "Choose question 3",
        ),
        (
            {
                "question_1": "first_school",
                "answer_1": "St Marys",
                "question_2": "first_school",
                "answer_2": "St Johns",
                "question_3": "first_pet",
                "answer_3": "Rex",
            },
            "Choose a different question 2: each only once",
        ),
        (
            {**_form_data(ANSWERS), "answer_2": ""},
            "Enter your answer to question 2",
        ),
        (
            {**_form_data(ANSWERS), "question_4": "", "answer_4": "Orphan answer"},
            "Choose question 4 for your answer",
        ),
        (
            {**_form_data(ANSWERS), "answer_3": " . "},
            "needs at least 2 letters or numbers",
        ),
    ],
    ids=["too-few", "repeated", "no-answer", "no-question", "punctuation-only"],
)
def test_bad_questions_get_form_errors_and_keep_what_was_typed(
    client: Client, data: dict[str, str], error: str
) -> None:
    person = Person.objects.create(email="sam@example.org")
    response = client.post(_path(security_questions_link(person)), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert "There is a problem" in page
    assert not SecurityQuestion.objects.exists()


# --- The link is single-use, and only the newest one works ------------------------------------


def _request_link(client: Client, run_tasks: Callable[[], None], outbox) -> str:
    client.post(REQUEST_URL, {"email": "sam@example.org"})
    run_tasks()
    return _link_in(outbox[-1])


@pytest.mark.django_db(transaction=True)  # the worker closes the connection when it stops
def test_a_used_link_stops_working_and_the_person_is_told(
    client: Client, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> None:
    link = _request_link(client, run_tasks, mailoutbox)
    assert client.post(link, _form_data(ANSWERS)).status_code == 302
    run_tasks()

    again = client.post(link, _form_data({Question.FIRST_PET: "another pet", **ANSWERS}))

    assert again.status_code == 400
    assert "This link has been used, or a newer one was sent" in again.content.decode()
    assert client.get(link).status_code == 400
    changed = [m for m in mailoutbox if "were changed" in m.subject]
    assert [m.to for m in changed] == [["sam@example.org"]]
    assert "contact us" in changed[0].body.lower()


@pytest.mark.django_db(transaction=True)
def test_a_newer_link_replaces_the_older_one(
    client: Client, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> None:
    older = _request_link(client, run_tasks, mailoutbox)
    newer = _request_link(client, run_tasks, mailoutbox)

    assert older != newer
    assert client.post(older, _form_data(ANSWERS)).status_code == 400
    assert not SecurityQuestion.objects.exists()
    assert client.post(newer, _form_data(ANSWERS)).status_code == 302


@pytest.mark.django_db
def test_wrong_answers_leave_the_link_working_to_try_again(client: Client) -> None:
    person = Person.objects.create(email="sam@example.org")
    link = _path(security_questions_link(person))

    assert client.post(link, {"question_1": "first_pet", "answer_1": "x"}).status_code == 400
    assert client.post(link, _form_data(ANSWERS)).status_code == 302


@pytest.mark.django_db
def test_no_live_link_waits_in_the_task_queue(client: Client) -> None:
    from django_tasks_db.models import DBTaskResult

    client.post(REQUEST_URL, {"email": "sam@example.org"})

    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == []
    assert set(queued.args_kwargs["kwargs"]) == {"person_id"}
    assert "security-questions" not in str(queued.args_kwargs)
