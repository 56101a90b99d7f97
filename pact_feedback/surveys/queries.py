"""Survey reads, and the frames the uptake tabulation starts from (SQL first, pandas after)."""

from datetime import date
from operator import itemgetter

import numpy as np
import pandas as pd
from sqlalchemy import Select, Text, and_, case, cast, exists, func, or_, select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.reports.models import Report, ReportAccess
from pact_feedback.studies.models import Enrolment, Study
from pact_feedback.surveys.models import (
    Survey,
    SurveyResponse,
    SurveyResponseVersion,
    SurveySend,
    SurveyWave,
)

RELEASED = ("released", "superseded")  # a superseded report was released before its re-issue


def survey_for(study) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.study_id == study.id))


def wave_by_number(survey: Survey, number: int) -> SurveyWave | None:
    return next((w for w in survey.waves if w.number == number), None)


def _released_report(study_id, practice_id):
    return exists().where(
        Report.study_id == study_id,
        Report.practice_id == practice_id,
        Report.kind == "practice",
        Report.status.in_(RELEASED),
        Report.released_at.is_not(None),
    )


def sent_practice_ids(study_id) -> Select:
    """Enrolled practices sent a report: released in the app, or recorded as sent elsewhere."""
    return select(Enrolment.practice_id).where(
        Enrolment.study_id == study_id,
        or_(
            Enrolment.report_sent_on.is_not(None),
            _released_report(Enrolment.study_id, Enrolment.practice_id),
        ),
    )


def was_sent_report(study, practice) -> bool:
    ids = sent_practice_ids(study.id).where(Enrolment.practice_id == practice.id)
    return db.session.scalar(select(exists(ids))) or False


def release_date(study) -> date | None:
    """The first day reports reached practices, in the app or recorded as sent elsewhere."""
    in_app = db.session.scalar(
        select(func.min(Report.released_at)).where(
            Report.study_id == study.id, Report.kind == "practice", Report.status.in_(RELEASED)
        )
    )
    elsewhere = db.session.scalar(
        select(func.min(Enrolment.report_sent_on)).where(Enrolment.study_id == study.id)
    )
    candidates = [d for d in (in_app.date() if in_app else None, elsewhere) if d]
    return min(candidates) if candidates else None


def response_for(wave: SurveyWave, practice) -> SurveyResponse | None:
    return db.session.scalar(
        select(SurveyResponse).filter_by(wave_id=wave.id, practice_id=practice.id)
    )


def waves_for_practice(practice) -> list[tuple[Study, SurveyWave, SurveyResponse | None]]:
    """Every wave the practice is asked to answer (it was sent a report), with its response."""
    rows = db.session.execute(
        select(Study, SurveyWave, SurveyResponse)
        .join(Enrolment, Enrolment.study_id == Study.id)
        .join(Survey, Survey.study_id == Study.id)
        .join(SurveyWave, SurveyWave.survey_id == Survey.id)
        .outerjoin(
            SurveyResponse,
            and_(
                SurveyResponse.wave_id == SurveyWave.id,
                SurveyResponse.practice_id == practice.id,
            ),
        )
        .where(
            Enrolment.practice_id == practice.id,
            or_(
                Enrolment.report_sent_on.is_not(None),
                _released_report(Study.id, practice.id),
            ),
        )
        .order_by(Study.title, SurveyWave.number)
    ).all()
    return [tuple(r) for r in rows]


def practice_leads(practice_ids) -> dict[int, list[User]]:
    """Active practice leads by practice id."""
    rows = db.session.execute(
        select(Membership.practice_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.role == PRACTICE_LEAD,
            Membership.practice_id.in_(practice_ids),
            User.active.is_(True),
        )
        .order_by(User.email)
    ).all()
    leads: dict[int, list[User]] = {}
    for practice_id, user in rows:
        leads.setdefault(practice_id, []).append(user)
    return leads


def submitted_practice_ids(wave: SurveyWave) -> set[int]:
    return set(
        db.session.scalars(
            select(SurveyResponse.practice_id).where(
                SurveyResponse.wave_id == wave.id, SurveyResponse.submitted_at.is_not(None)
            )
        )
    )


def send_log(survey: Survey, limit: int = 200) -> list:
    return db.session.execute(
        select(SurveySend, SurveyWave.number, Practice)
        .join(SurveyWave, SurveyWave.id == SurveySend.wave_id)
        .join(Practice, Practice.id == SurveySend.practice_id)
        .where(SurveyWave.survey_id == survey.id)
        .order_by(SurveySend.sent_at.desc(), SurveySend.id.desc())
        .limit(limit)
    ).all()


def last_sent(wave: SurveyWave) -> dict[int, object]:
    """When each practice was last emailed about `wave`."""
    rows = db.session.execute(
        select(SurveySend.practice_id, func.max(SurveySend.sent_at))
        .where(SurveySend.wave_id == wave.id)
        .group_by(SurveySend.practice_id)
    ).all()
    return dict(rows)


# Frames for the tabulation --------------------------------------------------------------------


def sent_frame(study) -> pd.DataFrame:
    """One row per practice sent a report.

    Columns: practice_id, ods_code, nation, region, list_size, imd_decile.
    """
    rows, columns = _driver_rows(_sent_query(study))
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)  # as read_sql


def _sent_query(study) -> Select:
    return (
        select(
            Practice.id.label("practice_id"),
            Practice.ods_code,
            Practice.nation,
            Practice.region,
            Practice.list_size,
            Practice.imd_decile,
        )
        .where(Practice.id.in_(sent_practice_ids(study.id)))
        .order_by(Practice.id)
    )


def _driver_rows(query) -> tuple[list[tuple], list[str]]:
    """The query's rows as the database driver gives them, and its column names: for the
    integers and text read here nothing is converted, and thousands of SQLAlchemy Rows cost
    more than reading them."""
    result = db.session.connection().execute(query)
    try:
        return result.cursor.fetchall(), list(result.keys())
    finally:
        result.close()


def _latest_answers(survey: Survey, *columns, in_sql: bool = True) -> Select:
    """`columns` of each submitted response's latest version, practices sent a report only,
    ordered by wave and practice (the first two columns: practice_id, wave). Without `in_sql`
    every practice's, in no order: the caller picks and sorts (`answers_json`)."""
    latest = (
        select(SurveyResponseVersion.response_id, func.max(SurveyResponseVersion.number).label("n"))
        .group_by(SurveyResponseVersion.response_id)
        .subquery()
    )
    query = (
        select(SurveyResponse.practice_id, SurveyWave.number.label("wave"), *columns)
        .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
        .join(latest, latest.c.response_id == SurveyResponse.id)
        .join(
            SurveyResponseVersion,
            and_(
                SurveyResponseVersion.response_id == SurveyResponse.id,
                SurveyResponseVersion.number == latest.c.n,
            ),
        )
        .where(SurveyWave.survey_id == survey.id, SurveyResponse.submitted_at.is_not(None))
    )
    if not in_sql:
        return query
    return query.where(SurveyResponse.practice_id.in_(sent_practice_ids(survey.study_id))).order_by(
        SurveyWave.number, SurveyResponse.practice_id
    )


def answers_frame(survey: Survey, codes=("discussed", "used_for_qi", "respondent_role")):
    """One row per submitted response (its latest version), practices sent a report only.

    `codes` name one-choice questions; the database extracts each answer from the JSON.
    Columns: practice_id, wave, then one column per code (the choice code, or None).
    """
    answers = SurveyResponseVersion.answers
    query = _latest_answers(survey, *(answers[code].as_string().label(code) for code in codes))
    rows = db.session.connection().execute(query).fetchall()  # plain rows, not the ORM's
    if not rows:
        frame = pd.read_sql(query, db.session.connection())
        return frame.astype({code: object for code in codes}).where(frame.notna(), None)
    # Built column by column: the answers stay Python strings (object), without pandas
    # inferring a string dtype for each column and converting it back.
    columns = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "practice_id": np.array(columns[0], dtype=np.int64),
            "wave": np.array(columns[1], dtype=np.int64),
            **{
                code: pd.Series(np.array(values, dtype=object), dtype=object, copy=False)
                for code, values in zip(codes, columns[2:], strict=True)
            },
        }
    )


def answers_json(survey: Survey, sent_ids=None) -> list[tuple]:
    """The rows of `answers_frame`, each version's answers as their JSON text: (practice_id,
    wave, text). Parsing one text per row in Python is cheaper than the database extracting
    each answer separately (PostgreSQL's `json` column is parsed again for every `->>`).

    `sent_ids`: the practices sent a report (`sent_frame`'s practice_id), when the caller has
    them. The same rows are then picked and ordered here, in arrays, rather than by the
    database, which checked every response against the sent practices and sorted them on
    disk: about a fifth of the query's time on SQLite."""
    text = cast(SurveyResponseVersion.answers, Text)
    if sent_ids is None:
        rows, _ = _driver_rows(_latest_answers(survey, text))
        return rows
    rows, _ = _driver_rows(_latest_answers(survey, text, in_sql=False))
    practices = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=len(rows))
    waves = np.fromiter(map(itemgetter(1), rows), dtype=np.int64, count=len(rows))
    picked = np.flatnonzero(np.isin(practices, np.asarray(sent_ids, dtype=np.int64)))
    order = picked[np.lexsort((practices[picked], waves[picked]))]
    return [rows[i] for i in order.tolist()]


def report_access_frame(study) -> pd.DataFrame:
    """Views and downloads of each practice's practice reports in `study`.

    Columns: practice_id, views, downloads (practices with none are absent).
    """

    query = (
        select(
            Report.practice_id,
            func.sum(case((ReportAccess.action == "view", 1), else_=0)).label("views"),
            func.sum(case((ReportAccess.action == "download", 1), else_=0)).label("downloads"),
        )
        .join(ReportAccess, ReportAccess.report_id == Report.id)
        .where(Report.study_id == study.id, Report.kind == "practice")
        .group_by(Report.practice_id)
    )
    return pd.read_sql(query, db.session.connection())


def count_sent(study) -> int:
    return db.session.scalar(
        select(func.count()).select_from(sent_practice_ids(study.id).subquery())
    )


def answer_counts(survey: Survey, codes) -> dict[str, int]:
    """{code: how many responses hold a non-empty answer to it in any saved version}."""
    holding: dict[str, set[int]] = {code: set() for code in codes}
    rows = db.session.execute(
        select(SurveyResponseVersion.response_id, SurveyResponseVersion.answers)
        .join(SurveyResponse, SurveyResponse.id == SurveyResponseVersion.response_id)
        .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
        .where(SurveyWave.survey_id == survey.id)
    )
    for response_id, answers in rows:
        for code, responses in holding.items():
            if (answers or {}).get(code) not in (None, "", []):
                responses.add(response_id)
    return {code: len(responses) for code, responses in holding.items()}
