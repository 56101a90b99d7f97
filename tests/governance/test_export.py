"""The pseudonymised analysis export: tidy CSVs, a complete dictionary, stable study IDs,
no names, emails, practice codes or notes unless asked for."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta

from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT, STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.models import TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from pact_feedback.governance.export import ExportOptions, build_export
from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion
from tests.conftest import login, make_study, make_user, submit
from tests.governance.conftest import make_day
from tests.surveys.helpers import surveyed_study

NOTE = "Phoned the pharmacy about a delivery"
TEXT_ANSWER = "We moved results filing to the admin team"


def _study_with_data():
    study, survey, practices = surveyed_study(2, name="Riverside Surgery")
    study.collection_start, study.collection_end = date(2026, 3, 2), date(2026, 3, 20)
    ensure_taxonomy(study)
    db.session.commit()
    people = [
        make_user(
            f"person{n}@example.org",
            role=PARTICIPANT,
            practice=practices[n % 2],
            study=study,
            consented=True,
            staff_role="gp_partner",
        )
        for n in range(3)
    ]
    for n, person in enumerate(people):
        for k in range(2):
            day = make_day(
                person,
                study,
                practices[n % 2],
                on=date(2026, 3, 2) + timedelta(days=3 * k + n),
                entries=[("A1", 30 + n), ("B1", 10)],
                workload_rating=6,
            )
            day.entries[0].note = NOTE
    response = SurveyResponse(
        wave_id=survey.waves[0].id,
        practice_id=practices[0].id,
        submitted_at=datetime(2026, 6, 1, 10, 0),
    )
    response.versions.append(
        SurveyResponseVersion(
            number=1,
            submitted=True,
            answers={
                "discussed": "yes",
                "used_for_qi": "yes",
                "seen_by": ["gp_partners", "pcn"],
                "change": TEXT_ANSWER,
                "useful": 4,
            },
        )
    )
    db.session.add(response)
    db.session.commit()
    return study, practices, people


def _open(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_tidy_files_and_a_dictionary_of_every_column(ctx):
    study, practices, people = _study_with_data()
    files = _open(build_export(study, ExportOptions()).data)
    assert set(files) == {
        "diary_days.csv",
        "task_entries.csv",
        "survey_responses.csv",
        "practices.csv",
        "data_dictionary.csv",
        "README.txt",
    }
    days, entries = _rows(files["diary_days.csv"]), _rows(files["task_entries.csv"])
    assert len(days) == 6 and len(entries) == 12
    assert {d["participant_id"] for d in days} == {e["participant_id"] for e in entries}
    assert len({d["participant_id"] for d in days}) == 3
    assert all(d["participant_id"].startswith("P-") for d in days)
    assert {e["day_id"] for e in entries} == {d["day_id"] for d in days}
    assert sorted({e["category"] for e in entries}) == ["A1", "B1"]
    survey = _rows(files["survey_responses.csv"])
    assert len(survey) == 1
    assert survey[0]["discussed"] == "yes" and survey[0]["useful"] == "4"
    assert (survey[0]["seen_by__pcn"], survey[0]["seen_by__only_me"]) == ("1", "0")
    practice_rows = _rows(files["practices.csv"])
    assert len(practice_rows) == 2 and survey[0]["practice_id"] in {
        p["practice_id"] for p in practice_rows
    }
    dictionary = _rows(files["data_dictionary.csv"])
    listed = {(r["file"], r["variable"]) for r in dictionary}
    for name in ("diary_days.csv", "task_entries.csv", "survey_responses.csv", "practices.csv"):
        header = next(csv.reader(io.StringIO(files[name])))
        assert {(name, column) for column in header} <= listed, name
        assert len(header) == len([r for r in dictionary if r["file"] == name])
    staff = next(r for r in dictionary if r["variable"] == "staff_role")
    assert "gp_partner=GP partner" in staff["allowed_values"]
    category = next(r for r in dictionary if r["variable"] == "category")
    assert "A1=" in category["allowed_values"]
    assert "NOT included" in files["README.txt"]


def test_no_name_email_code_or_note_anywhere_by_default(ctx):
    study, practices, people = _study_with_data()
    files = _open(build_export(study, ExportOptions()).data)
    everything = "\n".join(files.values())
    for person in people:
        assert person.email not in everything and person.name not in everything
        assert "example.org" not in everything
    for practice in practices:
        assert practice.name not in everything and practice.ods_code not in everything
    assert NOTE not in everything and TEXT_ANSWER not in everything
    assert "note" not in next(csv.reader(io.StringIO(files["task_entries.csv"])))


def test_notes_only_when_asked(ctx):
    study, _, _ = _study_with_data()
    files = _open(build_export(study, ExportOptions(include_notes=True)).data)
    assert NOTE in files["task_entries.csv"] and TEXT_ANSWER in files["survey_responses.csv"]
    assert "INCLUDED" in files["README.txt"]


def test_ids_are_stable_across_exports_and_differ_between_studies(ctx):
    study, practices, people = _study_with_data()
    first = _rows(_open(build_export(study, ExportOptions()).data)["diary_days.csv"])
    second = _rows(_open(build_export(study, ExportOptions()).data)["diary_days.csv"])
    assert [r["participant_id"] for r in first] == [r["participant_id"] for r in second]
    other = make_study(practices=[practices[0]], slug="other-study")
    ensure_taxonomy(other)
    db.session.commit()
    from pact_feedback.accounts.actions import grant_role

    grant_role(people[0], PARTICIPANT, practice=practices[0], study=other, by=people[0])
    make_day(people[0], other, practices[0], on=date(2026, 3, 2), entries=[("A1", 5)])
    elsewhere = _rows(_open(build_export(other, ExportOptions()).data)["diary_days.csv"])
    here = {r["participant_id"] for r in first}
    assert elsewhere and elsewhere[0]["participant_id"] not in here
    there = _rows(_open(build_export(other, ExportOptions()).data)["practices.csv"])
    assert there[0]["practice_id"] not in {
        r["practice_id"]
        for r in _rows(_open(build_export(study, ExportOptions()).data)["practices.csv"])
    }


def test_date_shift_is_consistent_per_participant(ctx):
    study, _, _ = _study_with_data()
    real = _rows(
        _open(build_export(study, ExportOptions(shift_dates=False)).data)["diary_days.csv"]
    )
    shifted = _rows(
        _open(build_export(study, ExportOptions(shift_dates=True)).data)["diary_days.csv"]
    )
    by_person: dict[str, set[int]] = {}
    for before, after in zip(real, shifted, strict=True):
        assert before["day_id"] == after["day_id"]
        delta = (date.fromisoformat(after["date"]) - date.fromisoformat(before["date"])).days
        by_person.setdefault(before["participant_id"], set()).add(delta)
    assert all(len(deltas) == 1 and 0 not in deltas for deltas in by_person.values())
    assert all(abs(next(iter(d))) <= 30 for d in by_person.values())


def test_web_download_is_audited_with_rows(client, ctx):
    study, _, people = _study_with_data()
    team = make_user(role=STUDY_TEAM)
    login(client, team)
    url = f"/governance/studies/{study.slug}/export"
    response = submit(client, url, {}, follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = _open(response.data)
    assert NOTE not in files["task_entries.csv"]
    event = db.session.scalar(select(AuditEvent).filter_by(action="analysis_exported"))
    assert event.actor_id == team.id and event.object_id == str(study.id)
    assert event.details["rows"]["task_entries.csv"] == 12
    assert event.details["include_notes"] is False
    with_notes = submit(client, url, {"include_notes": "y"}, follow_redirects=True)
    assert NOTE in _open(with_notes.data)["task_entries.csv"]


def test_flask_export_command_writes_the_zip(app, ctx, tmp_path):
    study, _, _ = _study_with_data()
    out = tmp_path / "export.zip"
    result = app.test_cli_runner().invoke(args=["export", study.slug, str(out)])
    assert result.exit_code == 0, result.output
    assert "task_entries.csv: 12 rows" in result.output
    assert len(_rows(_open(out.read_bytes())["diary_days.csv"])) == 6
    event = db.session.scalar(select(AuditEvent).filter_by(action="analysis_exported"))
    assert event.details["via"] == "command line"
    missing = app.test_cli_runner().invoke(args=["export", "no-such-study", str(out)])
    assert missing.exit_code != 0 and "No study" in missing.output


def test_spreadsheet_versions_hold_the_same_rows_without_identifiers(ctx):
    import pandas as pd

    study, practices, people = _study_with_data()
    data = build_export(study, ExportOptions(spreadsheets=True)).data
    files = _open_bytes(data)
    assert "analysis.xlsx" in files and "stata/diary_days.dta" in files
    sheets = pd.read_excel(io.BytesIO(files["analysis.xlsx"]), sheet_name=None)
    assert set(sheets) == {
        "diary_days",
        "task_entries",
        "survey_responses",
        "practices",
        "data_dictionary",
    }
    assert len(sheets["task_entries"]) == 12
    days = pd.read_stata(io.BytesIO(files["stata/diary_days.dta"]))
    assert len(days) == 6 and days["workload_rating"].tolist() == [6.0] * 6
    with pd.io.stata.StataReader(io.BytesIO(files["stata/task_entries.dta"])) as reader:
        assert reader.variable_labels()["minutes"].startswith("Duration")
    text = " ".join(frame.astype(str).to_string() for frame in sheets.values()) + " ".join(
        pd.read_stata(io.BytesIO(files[f"stata/{n}.dta"])).astype(str).to_string()
        for n in ("diary_days", "task_entries", "survey_responses", "practices")
    )
    for person in people:
        assert person.email not in text
    for practice in practices:
        assert practice.name not in text and practice.ods_code not in text
    assert NOTE not in text


def _open_bytes(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_long_notes_fit_the_stata_files(ctx):
    import pandas as pd

    study, _, people = _study_with_data()
    entry = db.session.scalars(select(TaskEntry)).first()
    entry.note = "n" * 3000
    db.session.commit()
    data = build_export(study, ExportOptions(include_notes=True, spreadsheets=True)).data
    entries = pd.read_stata(io.BytesIO(_open_bytes(data)["stata/task_entries.dta"]))
    assert "n" * 3000 in entries["note"].tolist()
