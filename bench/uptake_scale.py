#!/usr/bin/env python3
"""Uptake statistics at scale, against a bare pandas groupby on the same rows, in one run.

    .venv/bin/python bench/uptake_scale.py [--practices 10000] [--waves 2] [--repeat 5]
                                           [--pg postgresql+psycopg://.../scratch]

Builds a SQLite database (or, with `--pg`, a scratch PostgreSQL database, emptied first) with
the real migrations: one study, `--practices` practices sent a report, `--waves` waves with an
answer from every practice in each (latest of one or two saved versions). Then times, median
of `--repeat` runs:

  floor      the database driver (sqlite3, or psycopg on PostgreSQL) reads the same latest
             answers, decodes them, one pandas groupby per question and wave (the least any
             tabulation could do)
  tabulate   `surveys.figures.compute_uptake`: SQL frames + every table, breakdown, movement
  page       GET /studies/<slug>/uptake?wave=<last> as the study team: the above plus the HTML

The three are timed in turn within each repeat (floor, tabulate, page, then again), so that
a change in the machine's load falls on all three alike; each is timed by the clock and by
the process's CPU time. On a shared machine the CPU time is the steadier measure on SQLite,
where all the work is in this process (on PostgreSQL the server's share is not in it).

Prints a table and one JSON line (the clock's seconds, and `cpu_*`); the target is page <=
2 x floor.
"""

import argparse
import gc
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-2026"  # noqa: S105  (a throwaway database)
TEAM = "team@bench.example"


def _is_pg(target) -> bool:
    return str(target).startswith("postgresql")


def _app(db_path):
    from pact_feedback import create_app

    url = str(db_path) if _is_pg(db_path) else f"sqlite:///{db_path}"
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)


def _empty_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as con:
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")


def build(app, n_practices, n_waves=2):
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from pact_feedback.accounts.actions import grant_role
    from pact_feedback.accounts.models import User
    from pact_feedback.accounts.passwords import hash_password
    from pact_feedback.accounts.roles import STUDY_TEAM
    from pact_feedback.extensions import db
    from pact_feedback.practices.models import NATIONS, Practice
    from pact_feedback.studies.models import Enrolment, Study
    from pact_feedback.surveys.actions import ensure_default_survey
    from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion, SurveyWave

    rnd = random.Random(2026)
    with app.app_context():
        upgrade()
        db.session.execute(
            insert(Practice),
            [
                dict(
                    ods_code=f"B{n:06d}",
                    name=f"Practice {n}",
                    nation=NATIONS[n % 4],
                    region=f"Region {n % 23}",
                    list_size=int(rnd.lognormvariate(9, 0.45)),
                    pct_65_plus=15.0,
                    imd_score=25.0,
                    imd_decile=rnd.randint(1, 10),
                    pct_rural=10.0,
                    data_date=date(2026, 4, 1),
                )
                for n in range(1, n_practices + 1)
            ],
        )
        study = Study(slug="bench", title="Bench", status="survey_open")
        db.session.add(study)
        db.session.flush()
        db.session.execute(
            insert(Enrolment),
            [
                dict(study_id=study.id, practice_id=p, report_sent_on=date(2026, 1, 15))
                for p in range(1, n_practices + 1)
            ],
        )
        survey = ensure_default_survey(study)
        for number in range(len(survey.waves) + 1, n_waves + 1):  # e.g. a third, at 9 months
            survey.waves.append(SurveyWave(number=number, months_after_release=3 * number))
        db.session.flush()
        wave_ids = [w.id for w in sorted(survey.waves, key=lambda w: w.number)][:n_waves]
        user = User(email=TEAM, name="Bench", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.flush()
        grant_role(user, STUDY_TEAM, by=user)
        choices = ["yes", "planning", "no"]
        roles = ["practice_manager", "gp_partner", "salaried_gp", "nurse", "other"]
        responses, versions, rid = [], [], 0
        saved = datetime(2026, 5, 1, 9)
        for number, wave_id in enumerate(wave_ids, start=1):
            for p in range(1, n_practices + 1):
                rid += 1
                responses.append(
                    dict(
                        id=rid, wave_id=wave_id, practice_id=p, created_at=saved, submitted_at=saved
                    )
                )
                for v in range(1, rnd.choice([1, 1, 2]) + 1):
                    answers = {
                        "discussed": rnd.choices(choices, [5 + number, 4, 1])[0],
                        "used_for_qi": rnd.choices(choices, [4 + number, 4, 1])[0],
                        "respondent_role": rnd.choice(roles),
                        "useful": rnd.randint(1, 5),
                    }
                    versions.append(
                        dict(
                            response_id=rid,
                            number=v,
                            answers=answers,
                            submitted=True,
                            saved_at=saved + timedelta(days=v),
                        )
                    )
        db.session.execute(insert(SurveyResponse), responses)
        db.session.execute(insert(SurveyResponseVersion), versions)
        db.session.commit()
        return len(versions)


FLOOR_SQL = """
SELECT r.practice_id, w.number, v.answers
FROM survey_responses r
JOIN survey_waves w ON w.id = r.wave_id
JOIN survey_response_versions v ON v.response_id = r.id
WHERE v.number = (SELECT max(number) FROM survey_response_versions WHERE response_id = r.id)
  AND r.submitted_at IS NOT NULL
"""


def _latest_answers(db_path) -> list[tuple]:
    """(practice, wave, answers as a dict): what the floor reads, decoded by the driver."""
    if _is_pg(db_path):
        import psycopg

        with psycopg.connect(str(db_path).replace("postgresql+psycopg", "postgresql")) as conn:
            return conn.execute(FLOOR_SQL).fetchall()  # psycopg decodes json itself
    with sqlite3.connect(db_path) as conn:
        return [(p, w, json.loads(a)) for p, w, a in conn.execute(FLOOR_SQL)]


def floor(db_path):
    rows = _latest_answers(db_path)
    frame = pd.DataFrame(
        [(p, w, *(a[k] for k in ("discussed", "used_for_qi"))) for p, w, a in rows],
        columns=["practice_id", "wave", "discussed", "used_for_qi"],
    )
    return [frame.groupby(["wave", q]).size() for q in ("discussed", "used_for_qi")]


def timed(functions: dict, repeat: int) -> tuple[dict, dict]:
    """Median seconds of each function by the clock and by CPU time, timed in turn."""
    clock = {name: [] for name in functions}
    cpu = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            gc.collect()  # each starts clean, not paying for the garbage of the one before
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            cpu[name].append(time.process_time() - start_cpu)
            clock[name].append(time.perf_counter() - start)
    return (
        {name: median(times) for name, times in clock.items()},
        {name: median(times) for name, times in cpu.items()},
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--waves", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", help="a scratch PostgreSQL database URL (it is emptied)")
    args = parser.parse_args()
    last = args.waves
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.pg or Path(tmp) / "bench.sqlite3"
        if args.pg:
            _empty_pg(args.pg)
        app = _app(db_path)
        start = time.perf_counter()
        n_versions = build(app, args.practices, args.waves)
        built = time.perf_counter() - start
        from pact_feedback.extensions import db
        from pact_feedback.studies.actions import study_by_slug
        from pact_feedback.surveys import queries
        from pact_feedback.surveys.figures import compute_uptake

        with app.app_context():
            study = study_by_slug("bench")
            survey = queries.survey_for(study)
            result = compute_uptake(study, survey, last)
            assert result.summary["n_responded"] == args.practices
            client = app.test_client()
            client.post("/account/sign-in", data={"email": TEAM, "password": PASSWORD})

            def page():
                response = client.get(f"/studies/bench/uptake?wave={last}")
                assert response.status_code == 200, response.status_code
                db.session.remove()

            results, cpu = timed(
                {
                    "floor": lambda: floor(db_path),
                    "tabulate": lambda: compute_uptake(study, survey, last),
                    "page": page,
                },
                args.repeat,
            )
    ratio = results["page"] / results["floor"]
    where = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"{where}: {args.practices} practices x {args.waves} waves, {n_versions} versions"
        f" (built in {built:.1f} s)"
    )
    for name, seconds in results.items():
        print(
            f"  {name:9} {seconds * 1000:8.0f} ms  ({seconds / results['floor']:.2f} x floor)"
            f"   CPU {cpu[name] * 1000:6.0f} ms  ({cpu[name] / cpu['floor']:.2f} x floor)"
        )
    print(
        json.dumps(
            {
                "database": where,
                "practices": args.practices,
                "waves": args.waves,
                **{k: round(v, 4) for k, v in results.items()},
                "page_over_floor": round(ratio, 2),
                **{f"cpu_{k}": round(v, 4) for k, v in cpu.items()},
                "cpu_page_over_floor": round(cpu["page"] / cpu["floor"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
