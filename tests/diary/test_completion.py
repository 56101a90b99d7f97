"""Practice leads and the study team see diary completion as protected counts, never entries."""

from datetime import date, timedelta

from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.core.time import utcnow
from pact_feedback.diary.queries import completion_counts
from pact_feedback.extensions import db
from tests.conftest import login, make_user, page
from tests.diary.conftest import make_day


def _participants(diary, n):
    return [
        make_user(
            role=PARTICIPANT,
            practice=diary.practice,
            study=diary.study,
            consented=True,
            staff_role="salaried_gp",
        )
        for _ in range(n)
    ]


def test_completion_counts_per_practice(diary):
    people = _participants(diary, 3)
    for i, person in enumerate(people):
        make_day(person, diary.study, diary.practice, completed_at=utcnow() if i else None)
    make_day(people[0], diary.study, diary.practice, on=date.today() - timedelta(days=1))
    assert completion_counts(diary.study) == {
        diary.practice.id: {"opened": 4, "completed": 2, "people": 3}
    }
    assert completion_counts(diary.study, [diary.other_practice.id]) == {}


def test_lead_sees_rounded_counts_and_no_entries(client, diary):
    for person in _participants(diary, 9):
        make_day(person, diary.study, diary.practice, completed_at=utcnow(), entries=[("B1", 10)])
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B6", 35)])
    day.entries[0].note = "DVLA form, tricky"
    db.session.commit()
    login(client, diary.lead)
    text = page(client.get(f"/practices/{diary.practice.ods_code}")).get_text(" ", strip=True)
    assert "Diary days opened 10" in text  # 10 opened, rounded to 5
    assert "Diary days completed 10" in text  # 9 completed, rounded to 5
    assert "DVLA" not in text and "Reports, forms" not in text


def test_small_numbers_are_hidden_on_the_study_page(client, diary):
    make_day(diary.me, diary.study, diary.practice, completed_at=utcnow())
    login(client, diary.team)
    view = page(client.get(f"/studies/{diary.study.slug}"))
    table = view.find(id="diary-caption").find_parent("table")
    rows = [
        [c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in table.select("tbody tr")
    ]
    assert rows[0][1:] == ["<8", "<8"]
    assert rows[1][1:] == ["0", "0"]  # the other practice
    assert rows[-1] == ["All practices (network)", "1", "1"]
