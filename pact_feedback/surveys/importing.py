"""Responses gathered elsewhere (paper, other tools): a CSV with one row per practice per wave.

Columns: ods_code, wave, then one column per question code holding the answer (choice codes,
several separated by ";", a number 1-5, text, or a date as YYYY-MM-DD). The whole file is
checked first with the same validator as the web form; any bad row means nothing is imported.
Importing the same file twice changes nothing.
"""

from datetime import date

from werkzeug.datastructures import MultiDict

from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.practices.importing import ParseResult, RowError, _read, practices_by_code
from pact_feedback.surveys import queries
from pact_feedback.surveys.answers import field_name, parse_answers
from pact_feedback.surveys.definitions import spec_of
from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion

REQUIRED = ("ods_code", "wave")


def _as_form(questions, row: dict) -> MultiDict:
    """A CSV row as the web form would post it, so one validator serves both."""
    form = MultiDict()
    for q in questions:
        raw = row.get(q.code, "")
        if not raw:
            continue
        if q.type == "multiple":
            for code in raw.split(";"):
                form.add(field_name(q), _choice_code(q, code.strip()))
        elif q.type == "date":
            try:
                day = date.fromisoformat(raw)
                parts = (str(day.day), str(day.month), str(day.year))
            except ValueError:
                parts = ("x", "x", "x")
            for part, value in zip(("day", "month", "year"), parts, strict=True):
                form.add(field_name(q, part), value)
        elif q.type == "single":
            form.add(field_name(q), _choice_code(q, raw))
        else:
            form.add(field_name(q), raw)
    return form


def _choice_code(question, raw: str) -> str:
    """The choice whose code or label matches `raw` ignoring case, when exactly one does
    ("Planning" -> planning); otherwise `raw` as given, for the validator to refuse."""
    wanted = raw.casefold()
    matches = {
        c.code for c in question.choices if wanted in (c.code.casefold(), c.label.casefold())
    }
    return matches.pop() if len(matches) == 1 else raw


def parse_responses(text: str, survey) -> ParseResult:
    """Rows {"practice", "wave", "answers"} and row errors; nothing is written."""
    result = ParseResult()
    questions = [spec_of(q) for q in survey.questions]
    codes = {q.code for q in questions}
    by_code = {q.code: q for q in questions}
    rows = list(_read(text, REQUIRED, result))
    if result.errors:
        return result
    unknown = sorted(set(rows[0][1]) - codes - set(REQUIRED)) if rows else []
    if unknown:
        names = ", ".join(unknown)
        result.errors.append(RowError(1, names, f"Not a question code in this survey: {names}"))
        return result
    practices = practices_by_code([r.get("ods_code", "").upper() for _, r in rows])
    sent = set(db.session.scalars(queries.sent_practice_ids(survey.study_id)))
    waves = {str(w.number): w for w in survey.waves}
    seen = set()
    for line, row in rows:
        practice = practices.get(row["ods_code"].upper())
        wave = waves.get(row["wave"])
        if practice is None or practice.id not in sent:
            result.errors.append(
                RowError(line, "ods_code", f"{row['ods_code']} is not a practice sent a report")
            )
        if wave is None:
            result.errors.append(RowError(line, "wave", f"There is no wave {row['wave']!r}"))
        if practice is None or wave is None:
            continue
        if (practice.id, wave.number) in seen:
            result.errors.append(
                RowError(
                    line, "ods_code", f"{practice.ods_code} appears twice for wave {wave.number}"
                )
            )
            continue
        seen.add((practice.id, wave.number))
        answers, errors = parse_answers(questions, _as_form(questions, row), check_required=True)
        for code, message in errors.items():
            result.errors.append(RowError(line, code, message + _allowed(by_code[code])))
        result.rows.append({"practice": practice, "wave": wave, "answers": answers})
    if result.errors:
        result.rows = []
    return result


def _allowed(question) -> str:
    if question.type not in ("single", "multiple"):
        return ""
    codes = ", ".join(c.code for c in question.choices)
    joined = " (several joined with ;)" if question.type == "multiple" else ""
    return f". Allowed codes{joined}: {codes}"


def import_responses(result: ParseResult, *, by, survey, source: str = "") -> tuple[int, int, int]:
    """Write checked rows as submitted versions: (new, changed, unchanged)."""
    added = changed = unchanged = 0
    for row in result.rows:
        response = queries.response_for(row["wave"], row["practice"])
        if response is None:
            response = SurveyResponse(wave=row["wave"], practice=row["practice"])
            db.session.add(response)
            added += 1
        elif (
            response.latest
            and response.latest.answers == row["answers"]
            and (response.submitted_at)
        ):
            unchanged += 1
            continue
        else:
            changed += 1
        response.versions.append(
            SurveyResponseVersion(
                number=len(response.versions) + 1,
                answers=row["answers"],
                submitted=True,
                saved_by_id=getattr(by, "id", None),
            )
        )
        response.submitted_at = response.submitted_at or utcnow()
    db.session.flush()
    record(
        "survey_responses_imported",
        by=by,
        obj=survey,
        source=source,
        added=added,
        changed=changed,
        unchanged=unchanged,
    )
    commit()
    return added, changed, unchanged
