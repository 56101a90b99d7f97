"""The diary's rules as pure functions: the same ones serve the web form and the API."""

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pact_feedback.diary import validation as v

VALID_NHS_NUMBERS = ("9434765919", "4010232137", "9876543210")


def _with_check_digit(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else nine + str(check)


@pytest.mark.parametrize("number", VALID_NHS_NUMBERS)
def test_valid_nhs_numbers_pass_modulus_11(number):
    assert v.is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "123456789", "94347659190", "abc"])
def test_invalid_nhs_numbers_fail(number):
    assert not v.is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "note",
    [
        "results for 9434765919 filed",
        "pt 943 476 5919 called",
        "NHS no 943-476-5919",
        "9 4 3 4 7 6 5 9 1 9",
    ],
)
def test_notes_with_an_nhs_number_are_refused_saying_why(note):
    assert v.note_errors(note) == [v.NHS_NUMBER_MESSAGE]


@pytest.mark.parametrize(
    "note",
    [
        "phoned 0161 496 0000",  # a phone number is not a valid NHS number
        "9434765918 is not valid",  # wrong check digit
        "filed 23 results, 5 letters",
        "12345678901234 reference",  # longer number
    ],
)
def test_notes_without_identifiers_are_accepted(note):
    assert v.note_errors(note) == []


# The examples listed in docs/diary.md ("Notes: what is refused"): keep the two in step.
REFUSED_AS_IDENTIFYING = [
    "DOB 03/04/1956",
    "d.o.b. 1/2/56",
    "dob: 12.3.1956",
    "date of birth 03.04.1956 checked",
    "born on 3 April",
    "born in 1956",
    "Born 3rd Apr 56",
    "Mrs Smith 12/03/1956 bloods",
    "letter for Mr Jones dated 1/2/26",
    "John Smith 03/04/1956",
    "3 April 1956 Jane Doe",
]
ACCEPTED_DATES = [
    "seen 12/03/2026",
    "letter dated 1/2/26",
    "Seen 12/03/2026, bloods filed",
    "Discharge summary 12.3.26 filed",
    "letter from Dr Patel dated 1/2/26",
    "results from 2026-03-01 to 2026-03-04",
    "3 April 1956",
    "April 3, 1956 clinic letter",
    "d.o.b. unknown",
    "date of birth checked",
    "2 letters on 3 April",
    "meeting 10:30 to 11:00",
    "BP 140/90",
    "Care Home visit 12/03/2026",
]


@pytest.mark.parametrize("note", REFUSED_AS_IDENTIFYING)
def test_notes_with_a_date_of_birth_or_a_named_date_are_refused(note):
    """A date labelled as a birth date, or a full date beside a name, identifies a patient."""
    assert v.note_errors(note) == [v.DATE_OF_BIRTH_MESSAGE]


@pytest.mark.parametrize("note", ACCEPTED_DATES)
def test_dates_that_identify_no_one_are_accepted(note):
    """A GP writes "seen 12/03/2026": a date with no name and no birth label is accepted."""
    assert v.note_errors(note) == []


def test_the_browser_gets_the_same_date_patterns():
    """The patterns sent to the browser are the server's own, with their flags."""
    rules = v.note_rules_for_browser()["patterns"]
    assert [r["source"] for r in rules] == [p.pattern for p in v.DATE_OF_BIRTH_PATTERNS]
    assert [r["flags"] for r in rules] == ["i", ""]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", " ", "-"]))
def test_every_valid_nhs_number_is_found_in_any_spacing(nine, sep):
    number = _with_check_digit(nine)
    if number is None:
        return
    spaced = sep.join([number[:3], number[3:6], number[6:]])
    assert v.find_nhs_number(f"note {spaced} end") == number


@given(st.text(max_size=300))
def test_note_check_never_crashes(text):
    assert isinstance(v.note_errors(text), list)


def _entry(**values):
    base = {"category_id": 1, "minutes": None, "started_at": None, "ended_at": None}
    return v.check_entry(base | values, allowed_category_ids={1, 2})


def test_minutes_from_start_and_end():
    checked = _entry(started_at=time(9, 0), ended_at=time(9, 25), minutes=5)
    assert checked.ok and checked.values["minutes"] == 25


def test_start_and_minutes_give_the_end():
    checked = _entry(started_at=time(9, 50), minutes=15)
    assert checked.values["ended_at"] == time(10, 5)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"minutes": 0}, "minutes", "from 1 to 720"),
        ({"minutes": 721}, "minutes", "from 1 to 720"),
        ({}, "minutes", "Choose how long"),
        ({"started_at": time(10), "ended_at": time(9)}, "ended_at", "after the start"),
        ({"started_at": time(10), "ended_at": time(10)}, "ended_at", "after the start"),
        ({"ended_at": time(10)}, "started_at", "start time too"),
        ({"started_at": time(23, 50), "minutes": 30}, "minutes", "past midnight"),
        ({"category_id": None, "minutes": 5}, "category_id", "what kind of task"),
        ({"category_id": 99, "minutes": 5}, "category_id", "categories shown"),
        ({"minutes": 5, "could_be_done_by": "robot"}, "could_be_done_by", "who could"),
        ({"minutes": 5, "item_count": -1}, "item_count", "0 to 10,000"),
    ],
)
def test_entry_errors_are_beside_their_field(values, field, message):
    checked = _entry(**values)
    assert not checked.ok
    assert message in " ".join(checked.errors[field])


def test_a_day_over_24_hours_is_refused():
    others = [v.TimedEntry(i, 700) for i in range(2)]
    checked = v.check_entry(
        {"category_id": 1, "minutes": 41}, allowed_category_ids={1}, others=others
    )
    assert "at most 40 minutes" in checked.errors["minutes"][0]
    ok = v.check_entry({"category_id": 1, "minutes": 40}, allowed_category_ids={1}, others=others)
    assert ok.ok


def test_editing_an_entry_does_not_count_it_twice_towards_the_day():
    others = [v.TimedEntry(1, 720), v.TimedEntry(2, 720)]
    checked = v.check_entry(
        {"category_id": 1, "minutes": 720}, allowed_category_ids={1}, others=others, editing_id=2
    )
    assert checked.ok


def test_overlapping_timed_entries_are_a_warning_not_an_error():
    others = [v.TimedEntry(1, 30, time(9), time(9, 30), "Test results")]
    checked = v.check_entry(
        {"category_id": 1, "started_at": time(9, 15), "ended_at": time(9, 45)},
        allowed_category_ids={1},
        others=others,
    )
    assert checked.ok
    assert "overlaps Test results (09:00 to 09:30)" in checked.warnings[0]
    touching = v.check_entry(
        {"category_id": 1, "started_at": time(9, 30), "ended_at": time(9, 45)},
        allowed_category_ids={1},
        others=others,
    )
    assert touching.warnings == []


@given(
    st.one_of(st.none(), st.integers(-10_000, 10_000)),
    st.one_of(st.none(), st.times()),
    st.one_of(st.none(), st.times()),
    st.lists(st.integers(1, 720), max_size=5),
)
def test_accepted_entries_always_keep_the_rules(minutes, start, end, other_minutes):
    """Whatever comes in, an accepted entry has 1-720 minutes, end after start, day <= 24 h."""
    start = start.replace(second=0, microsecond=0) if start else None
    end = end.replace(second=0, microsecond=0) if end else None
    others = [v.TimedEntry(i, m) for i, m in enumerate(other_minutes)]
    checked = v.check_entry(
        {"category_id": 1, "minutes": minutes, "started_at": start, "ended_at": end},
        allowed_category_ids={1},
        others=others,
    )
    if checked.ok:
        got = checked.values
        assert 1 <= got["minutes"] <= 720
        assert sum(other_minutes) + got["minutes"] <= 24 * 60
        if got["started_at"] and got["ended_at"]:
            assert got["ended_at"] > got["started_at"]
            assert v.minutes_between(got["started_at"], got["ended_at"]) == got["minutes"]
    else:
        assert all(checked.errors.values())


def _day(**values):
    base = {"date": date(2026, 3, 10), "staff_role": "gp_partner"}
    return v.check_day(
        base | values,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        today=date(2026, 3, 15),
        staff_roles={"gp_partner"},
        taken_dates={date(2026, 3, 2)},
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date": date(2026, 3, 16)}, "date", "cannot be in the future"),
        ({"date": date(2026, 2, 28)}, "date", "from 1 March 2026 to 31 March 2026"),
        ({"date": None}, "date", "Enter the date"),
        ({"date": date(2026, 3, 2)}, "date", "already have a diary day"),
        ({"staff_role": "astronaut"}, "staff_role", "role you worked"),
        ({"scheduled_start": time(9), "scheduled_end": time(8)}, "scheduled_end", "after"),
        ({"sessions": 21}, "sessions", "0 to 20"),
        ({"workload_rating": 11}, "workload_rating", "0 to 10"),
    ],
)
def test_day_errors(values, field, message):
    checked = _day(**values)
    assert message in " ".join(checked.errors[field])


def test_a_good_day_passes():
    checked = _day(scheduled_start=time(8), scheduled_end=time(18, 30), workload_rating=7)
    assert checked.ok and checked.values["workload_rating"] == 7


def test_locking_follows_the_lifecycle_and_the_window():
    end = date(2026, 3, 31)
    assert v.locked_reason(status="collecting", end=end, today=date(2026, 3, 31)) is None
    assert "finished" in v.locked_reason(status="collecting", end=end, today=date(2026, 4, 1))
    assert "finished" in v.locked_reason(status="analysing", end=end, today=date(2026, 3, 2))
    assert "not started" in v.locked_reason(status="recruiting", end=end, today=date(2026, 3, 2))


def test_gaps_in_the_scheduled_day():
    entries = [
        v.TimedEntry(1, 30, time(9), time(9, 30)),
        v.TimedEntry(2, 30, time(9, 15), time(10)),
        v.TimedEntry(3, 5),  # untimed: no place in the day
        v.TimedEntry(4, 60, time(11), time(12)),
    ]
    assert v.gaps(time(8, 30), time(12, 30), entries) == [
        (time(8, 30), time(9)),
        (time(10), time(11)),
        (time(12), time(12, 30)),
    ]
    assert v.gaps(None, time(12), entries) == []
