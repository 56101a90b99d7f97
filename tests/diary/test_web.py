"""The web diary, as a participant uses it: open a day, add, change, repeat and delete tasks,
mark the day complete; errors beside fields with nothing lost; locked after collection."""

from datetime import date, time, timedelta

from sqlalchemy import func, select

from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.models import DiaryDay, TaskEntry
from pact_feedback.diary.validation import NHS_NUMBER_MESSAGE
from pact_feedback.extensions import db
from tests.conftest import error_messages, login, make_user, page, submit
from tests.diary.conftest import make_day


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_study_page_links_to_the_diary(client, diary):
    login(client, diary.me)
    response = client.get(f"/take-part/{diary.study.slug}")
    assert page(response).find("a", href=f"{diary.base}/")


def test_open_a_day_then_add_tasks_in_one_tap_each(client, diary):
    login(client, diary.me)
    form = page(client.get(f"{diary.base}/new"))
    assert form.find("input", attrs={"name": "date"})["value"] == date.today().isoformat()
    response = submit(
        client,
        f"{diary.base}/new",
        {
            "date": date.today().isoformat(),
            "staff_role": "gp_partner",
            "scheduled_start": "08:00",
            "scheduled_end": "18:30",
            "sessions": "2",
            "typical": "yes",
            "workload_rating": "8",
        },
    )
    assert response.status_code == 302
    day = db.session.scalar(select(DiaryDay))
    assert (day.user_id, day.practice_id, day.sessions, day.typical) == (
        diary.me.id,
        diary.practice.id,
        2.0,
        True,
    )
    url = f"{diary.base}/{day.id}"
    day_page = page(client.get(url))
    results = diary.categories["B1"]
    radio = day_page.find("input", attrs={"name": "category_id", "value": str(results.id)})
    assert radio["type"] == "radio"
    assert day_page.find("input", attrs={"name": "duration", "value": "5"})
    assert "patient" in day_page.find(id="note-hint").get_text()

    response = submit(
        client, f"{url}/entries", {"category_id": results.id, "duration": "5"}, form_url=url
    )
    assert response.status_code == 302
    response = submit(
        client,
        f"{url}/entries",
        {
            "category_id": diary.categories["A1"].id,
            "started_at": "09:00",
            "ended_at": "09:40",
            "item_count": "3",
            "outside_hours": "y",
            "could_be_done_by": "admin",
        },
        form_url=url,
    )
    entries = db.session.scalars(select(TaskEntry).order_by(TaskEntry.id)).all()
    assert [(e.category.code, e.minutes) for e in entries] == [("B1", 5), ("A1", 40)]
    assert entries[1].outside_hours and entries[1].could_be_done_by == "admin"
    assert len(entries[0].client_id) == 36  # a server-made UUID
    text = page(client.get(url)).get_text(" ", strip=True)
    assert "Recorded so far: 45 minutes" in text
    assert "08:00 to 09:00" in text and "09:40 to 18:30" in text  # gaps in the scheduled day
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("diary_entry_added") == 2


def test_errors_show_beside_fields_and_nothing_typed_is_lost(client, diary):
    day = make_day(diary.me, diary.study, diary.practice)
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    response = submit(
        client,
        f"{url}/entries",
        {
            "category_id": diary.categories["B3"].id,
            "minutes": "900",
            "item_count": "4",
            "note": "letter for 943 476 5919",
        },
        form_url=url,
    )
    assert response.status_code == 422
    messages = error_messages(response)
    assert "Enter a number of minutes from 1 to 720 (12 hours)" in messages
    assert NHS_NUMBER_MESSAGE in messages
    again = page(response)
    assert again.find(
        "input", attrs={"name": "category_id", "value": str(diary.categories["B3"].id)}
    ).has_attr("checked")
    assert again.find("input", attrs={"name": "minutes"})["value"] == "900"
    assert again.find("input", attrs={"name": "item_count"})["value"] == "4"
    assert "943 476 5919" in again.find("textarea", attrs={"name": "note"}).get_text()
    assert again.select_one(".nhsuk-error-summary a[href='#minutes']")
    assert _count(TaskEntry) == 0


def test_the_day_cannot_pass_24_hours(client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 720), ("B2", 700)])
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    response = submit(
        client,
        f"{url}/entries",
        {"category_id": diary.categories["B1"].id, "duration": "30"},
        form_url=url,
    )
    assert response.status_code == 422
    assert "at most 20 minutes" in " ".join(error_messages(response))


def test_overlap_is_saved_with_a_warning(client, diary):
    day = make_day(diary.me, diary.study, diary.practice)
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    for start, end in (("09:00", "09:30"), ("09:20", "09:40")):
        response = submit(
            client,
            f"{url}/entries",
            {"category_id": diary.categories["B1"].id, "started_at": start, "ended_at": end},
            form_url=url,
        )
        assert response.status_code == 302
    assert _count(TaskEntry) == 2
    assert "overlaps Test results (09:00 to 09:30)" in page(client.get(url)).get_text()


def test_add_with_javascript_returns_the_row_and_totals(client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 10)])
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    response = submit(
        client,
        f"{url}/entries",
        {
            "category_id": diary.categories["B2"].id,
            "duration": "15",
            "client_id": "7c1e4bd2-0d7b-4b0e-8f7e-8d1f9c1a2b3c",
        },
        form_url=url,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    assert "B2 Prescriptions and medicines" in response.json["row_html"]
    assert "25 minutes" in response.json["figures_html"]
    again = submit(
        client,
        f"{url}/entries",
        {
            "category_id": diary.categories["B2"].id,
            "duration": "15",
            "client_id": "7c1e4bd2-0d7b-4b0e-8f7e-8d1f9c1a2b3c",
        },
        form_url=url,
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 200 and again.json["created"] is False
    assert _count(TaskEntry) == 2
    invalid = submit(
        client,
        f"{url}/entries",
        {"duration": "15"},
        form_url=url,
        headers={"Accept": "application/json"},
    )
    assert invalid.status_code == 422
    assert invalid.json["errors"]["category_id"] == ["Choose what kind of task it was"]


def test_repeat_edit_and_delete(client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B5", 2)])
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    assert submit(client, f"{url}/repeat-last", {}, form_url=url).status_code == 302
    entries = db.session.scalars(select(TaskEntry).order_by(TaskEntry.id)).all()
    assert [(e.category.code, e.minutes) for e in entries] == [("B5", 2), ("B5", 2)]
    edit = f"{url}/entries/{entries[1].id}/edit"
    assert (
        page(client.get(edit))
        .find("input", attrs={"name": "duration", "value": "2"})
        .has_attr("checked")
    )
    response = submit(client, edit, {"category_id": diary.categories["D4"].id, "minutes": "12"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (entries[1].category.code, entries[1].minutes) == ("D4", 12)
    delete = f"{url}/entries/{entries[0].id}/delete"
    assert "Delete this task?" in page(client.get(delete)).get_text()
    assert submit(client, delete, {}).status_code == 302
    assert _count(TaskEntry) == 1


def _timed_entry(diary, start, end):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 12)])
    entry = db.session.scalar(select(TaskEntry))
    entry.started_at, entry.ended_at = start, end
    db.session.commit()
    return day, entry


def _edit_form_values(client, edit_url) -> dict:
    """The edit form's fields as the browser would send them."""
    form = page(client.get(edit_url)).find(attrs={"name": "started_at"}).find_parent("form")
    values = {}
    for field in form.find_all(["input", "textarea"]):
        kind = field.get("type")
        if field.get("name") in (None, "csrf_token") or (
            kind in ("radio", "checkbox") and not field.has_attr("checked")
        ):
            continue
        values[field["name"]] = field.get("value") or field.get_text()
    return values


def test_changing_the_minutes_of_a_timed_task_moves_its_end(client, diary):
    """Start timer, stop, add (09:00-09:12), Change, type 30, Save: 30 minutes, 09:00-09:30."""
    day, entry = _timed_entry(diary, time(9, 0), time(9, 12))
    login(client, diary.me)
    edit = f"{diary.base}/{day.id}/entries/{entry.id}/edit"
    values = _edit_form_values(client, edit)
    assert (values["started_at"], values["ended_at"]) == ("09:00", "09:12")
    response = submit(client, edit, values | {"minutes": "30"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (entry.minutes, entry.started_at, entry.ended_at) == (30, time(9, 0), time(9, 30))


def test_minutes_that_disagree_with_new_times_are_explained(client, diary):
    """New times and new minutes together: the times win, and the page says so."""
    day, entry = _timed_entry(diary, time(9, 0), time(9, 12))
    login(client, diary.me)
    edit = f"{diary.base}/{day.id}/entries/{entry.id}/edit"
    values = _edit_form_values(client, edit) | {"minutes": "30", "ended_at": "09:20"}
    response = submit(client, edit, values, follow_redirects=True)
    db.session.expire_all()
    assert entry.minutes == 20
    assert "rather than the 30 you entered" in page(response).get_text()


def test_mark_complete_and_reopen(client, diary):
    day = make_day(diary.me, diary.study, diary.practice)
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    submit(client, f"{url}/complete", {"complete": "yes"}, form_url=url)
    db.session.expire_all()
    assert db.session.get(DiaryDay, day.id).completed_at is not None
    assert "Complete" in page(client.get(f"{diary.base}/")).get_text()
    submit(client, f"{url}/complete", {"complete": "no"}, form_url=url)
    db.session.expire_all()
    assert db.session.get(DiaryDay, day.id).completed_at is None


def test_dates_outside_the_window_or_in_the_future_are_refused(client, diary):
    login(client, diary.me)
    for when, message in (
        (date.today() + timedelta(days=1), "cannot be in the future"),
        (date.today() - timedelta(days=6), "the study's data collection dates"),
    ):
        response = submit(
            client, f"{diary.base}/new", {"date": when.isoformat(), "staff_role": "gp_partner"}
        )
        assert response.status_code == 422
        assert message in " ".join(error_messages(response))
    assert _count(DiaryDay) == 0


def test_entries_lock_when_collection_closes(client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 10)])
    diary.study.status = "analysing"
    db.session.commit()
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    view = page(client.get(url))
    assert "your diary is now read-only" in view.get_text()
    assert view.find("form", id="diary-entry-form") is None
    response = submit(
        client,
        f"{url}/entries",
        {"category_id": diary.categories["B1"].id, "duration": "5"},
        form_url="/",
    )
    assert response.status_code == 302
    assert _count(TaskEntry) == 1
    entry = db.session.scalar(select(TaskEntry))
    assert submit(client, f"{url}/entries/{entry.id}/delete", {}, form_url="/").status_code == 302
    assert _count(TaskEntry) == 1


def test_nobody_else_reaches_a_participants_day(app, client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 10)])
    entry = db.session.scalar(select(TaskEntry))
    urls = [
        f"{diary.base}/{day.id}",
        f"{diary.base}/{day.id}/edit",
        f"{diary.base}/{day.id}/entries/{entry.id}/edit",
        f"{diary.base}/{day.id}/entries/{entry.id}/delete",
    ]
    for user in (diary.colleague, diary.lead, diary.team):
        client = app.test_client()
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        response = submit(
            client,
            f"{diary.base}/{day.id}/entries",
            {"category_id": diary.categories["B1"].id, "duration": "5"},
            form_url="/",
        )
        assert response.status_code == 404
    assert _count(TaskEntry) == 1


def test_summary_shows_a_chart_and_a_table(client, diary):
    make_day(diary.me, diary.study, diary.practice, entries=[("B1", 40), ("A1", 200)])
    login(client, diary.me)
    view = page(client.get(f"{diary.base}/summary"))
    chart = view.select_one(".pact-chart")
    assert chart.select_one("figcaption").get_text() == "Your time by group"
    assert chart.select_one("[role=img]")["aria-label"].startswith("Your time by group")
    rows = {
        r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.find_all("td")]
        for r in view.select("table")[0].select("tbody tr")
    }
    assert rows["Total"] == ["240"]
    assert rows["B Care-related activity without the patient"] == ["40"]


def test_a_resent_entry_is_answered_as_saved_even_when_the_day_is_full_or_locked(client, diary):
    """The offline queue may resend an entry whose first answer it never saw: the answer is the
    saved entry, not a 24-hour refusal (its own minutes already count) or a locked-diary one."""
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 700)])
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    fields = {
        "category_id": diary.categories["B2"].id,
        "duration": "720",
        "client_id": "0b6a3f5e-2c4d-4e8f-9a1b-3c5d7e9f1a2b",
    }
    json_headers = {"Accept": "application/json"}
    first = submit(client, f"{url}/entries", fields, form_url=url, headers=json_headers)
    assert first.status_code == 201  # 700 + 720 = 1,420 minutes: under 24 hours
    again = submit(client, f"{url}/entries", fields, form_url=url, headers=json_headers)
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["id"] == first.json["id"]
    diary.study.status = "analysing"  # collection over: new entries are refused
    db.session.commit()
    late = submit(client, f"{url}/entries", fields, form_url=url, headers=json_headers)
    assert late.status_code == 200 and late.json["id"] == first.json["id"]
    assert _count(TaskEntry) == 2


def _home_button(client):
    button = page(client.get("/")).select_one("main a.nhsuk-button")
    return button and (button.get_text(" ", strip=True), button["href"])


def test_the_home_page_opens_or_continues_todays_diary(client, diary):
    """One click from the home page to today's diary day: open it, then continue it."""
    login(client, diary.me)
    assert _home_button(client) == ("Start today's diary", f"{diary.base}/new")
    day = make_day(diary.me, diary.study, diary.practice)
    assert _home_button(client) == ("Continue today's diary", f"{diary.base}/{day.id}")


def test_the_home_page_gives_a_new_participant_their_first_step(client, diary):
    """A participant who has not consented is told to consent first, with the link."""
    newcomer = make_user(role=PARTICIPANT, practice=diary.practice, study=diary.study)
    login(client, newcomer)
    text, href = _home_button(client)
    assert text == "Read about the study and give your consent"
    assert href == f"/take-part/{diary.study.slug}/consent"
    assert "Your first step" in page(client.get("/")).get_text()


def test_every_change_to_a_diary_is_refused_once_collection_is_over(client, diary):
    """After collection, each diary write answers with the lock's reason (a redirect to the day,
    or 409 JSON for the page's script) and changes nothing."""
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 30)])
    entry = day.entries[0]
    login(client, diary.me)
    url = f"{diary.base}/{day.id}"
    # The CSRF token is the session's: take it while the diary is open.
    token = page(client.get(url)).select_one("input[name=csrf_token]")["value"]
    diary.study.status = "analysing"
    db.session.commit()
    writes = {
        f"{url}/edit": {"date": date.today().isoformat(), "staff_role": "gp_partner"},
        f"{url}/repeat-last": {},
        f"{url}/complete": {},
        f"{url}/entries/{entry.id}/edit": {"category_id": entry.category_id, "duration": "45"},
        f"{url}/entries/{entry.id}/delete": {},
        f"{diary.base}/new": {"date": date.today().isoformat(), "staff_role": "gp_partner"},
        f"{diary.base}/plan": {"planned_date": date.today().isoformat()},
    }
    for target, data in writes.items():
        refused = client.post(target, data={"csrf_token": token, **data})
        assert refused.status_code == 302, target
        back = page(client.get(refused.location)).get_text(" ", strip=True)
        assert "your diary is now read-only" in back, target
        as_json = client.post(
            target, data={"csrf_token": token, **data}, headers={"Accept": "application/json"}
        )
        assert as_json.status_code == 409 and as_json.get_json()["locked"], target
    db.session.expire_all()
    assert [(e.minutes, e.day_id) for e in db.session.scalars(select(TaskEntry))] == [(30, day.id)]
    assert _count(DiaryDay) == 1 and not db.session.get(DiaryDay, day.id).complete
