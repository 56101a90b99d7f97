#!/usr/bin/env python3
"""Record-audit practice reports at scale, against a bare SQL GROUP BY on the same rows.

    .venv/bin/python bench/casebook_scale.py [--practices 2000] [--cases 50] [--repeat 3]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_i21 ...  (PostgreSQL)

Builds a database with the real migrations: one record-audit study with the Why Test form,
`--practices` practices each with `--cases` submitted cases (the demo's answer generator, about
12 answers a case). Then times, median of `--repeat` runs, and the peak Python memory:

  floor    one SQL GROUP BY per tabulated question and practice (json_each / jsonb for
           several-choice questions): the per-practice counts every report is made of
  reports  `casebook.report.build_audit_reports`: load, count, match every practice to its
           similar practice and peer group, protect and assemble every payload

Prints one JSON line; the issue's target is reports <= 3 x floor and <= 300 MiB.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _app(url):
    from pact_feedback import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


def build(app, n_practices, n_cases):
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from pact_feedback.accounts.models import User
    from pact_feedback.casebook.actions import set_up_audit
    from pact_feedback.casebook.demo import demo_cases
    from pact_feedback.casebook.models import Case, CaseAudit
    from pact_feedback.core.time import utcnow
    from pact_feedback.extensions import db
    from pact_feedback.practices.models import NATIONS, Practice
    from pact_feedback.studies.models import Enrolment, Study

    rnd = random.Random(2026)
    with app.app_context():
        upgrade()
        team = User(email="team@bench.example", name="Team", password_hash="x")  # noqa: S106
        study = Study(slug="bench-audit", title="Bench audit", status="analysing")
        db.session.add_all([team, study])
        db.session.flush()
        form = set_up_audit(study, by=team)
        practices = [
            {
                "ods_code": f"B{i:06d}",
                "name": f"Practice {i}",
                "nation": NATIONS[i % len(NATIONS)],
                "region": "",
                "list_size": int(rnd.lognormvariate(9.0, 0.45)),
                "pct_65_plus": rnd.uniform(8, 30),
                "imd_score": rnd.uniform(6, 55),
                "imd_decile": 5,
                "pct_rural": rnd.uniform(0, 60),
                "data_date": date(2026, 4, 1),
            }
            for i in range(n_practices)
        ]
        db.session.execute(insert(Practice), practices)
        ids = [p.id for p in db.session.query(Practice.id).order_by(Practice.id)]
        db.session.execute(
            insert(Enrolment), [{"study_id": study.id, "practice_id": pid} for pid in ids]
        )
        now = utcnow()
        db.session.execute(
            insert(CaseAudit),
            [{"form_id": form.id, "practice_id": pid, "submitted_at": now} for pid in ids],
        )
        audits = [a.id for a in db.session.query(CaseAudit.id).order_by(CaseAudit.id)]
        pool = demo_cases(rnd)
        for start in range(0, len(audits), 200):
            rows = [
                {
                    "audit_id": audit,
                    "sequence": s,
                    "answers": pool[(audit * 7 + s) % len(pool)],
                    "entered_at": now,
                    "updated_at": now,
                }
                for audit in audits[start : start + 200]
                for s in range(1, n_cases + 1)
            ]
            db.session.execute(insert(Case), rows)
        db.session.commit()


FLOOR_SQLITE = {
    "single": (
        "SELECT a.practice_id, json_extract(c.answers, '$.{q}') AS v, count(*) "
        "FROM casebook_cases c JOIN casebook_audits a ON a.id = c.audit_id "
        "WHERE a.submitted_at IS NOT NULL GROUP BY 1, 2"
    ),
    "multiple": (
        "SELECT a.practice_id, j.value, count(*) FROM casebook_cases c "
        "JOIN casebook_audits a ON a.id = c.audit_id, json_each(c.answers, '$.{q}') j "
        "WHERE a.submitted_at IS NOT NULL GROUP BY 1, 2"
    ),
}
FLOOR_POSTGRES = {
    "single": (
        "SELECT a.practice_id, c.answers::jsonb ->> '{q}' AS v, count(*) "
        "FROM casebook_cases c JOIN casebook_audits a ON a.id = c.audit_id "
        "WHERE a.submitted_at IS NOT NULL GROUP BY 1, 2"
    ),
    "multiple": (
        "SELECT a.practice_id, j.value, count(*) FROM casebook_cases c "
        "JOIN casebook_audits a ON a.id = c.audit_id, "
        "jsonb_array_elements_text(c.answers::jsonb -> '{q}') j "
        "WHERE a.submitted_at IS NOT NULL GROUP BY 1, 2"
    ),
}


def floor(app):
    from sqlalchemy import text

    from pact_feedback.casebook.actions import form_for
    from pact_feedback.casebook.definition import spec_of
    from pact_feedback.extensions import db
    from pact_feedback.studies.actions import study_by_slug

    with app.app_context():
        spec = spec_of(form_for(study_by_slug("bench-audit")))
        queries = FLOOR_POSTGRES if db.engine.dialect.name == "postgresql" else FLOOR_SQLITE
        started = time.perf_counter()
        for q in spec.tabulated():
            db.session.execute(text(queries[q.type].format(q=q.code))).all()
        return time.perf_counter() - started


def reports(app):
    from pact_feedback.casebook.report import build_audit_reports
    from pact_feedback.studies.actions import study_by_slug

    with app.app_context():
        started = time.perf_counter()
        built = build_audit_reports(study_by_slug("bench-audit"))
        elapsed = time.perf_counter() - started
        assert built and built[0]["payload"]["network"]
        return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        if not url:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        else:
            from tests.conftest import reset_database

            reset_database(url)
        app = _app(url)
        build(app, args.practices, args.cases)
        floors = [floor(app) for _ in range(args.repeat)]
        timings = [reports(app) for _ in range(args.repeat)]
        tracemalloc.start()  # one more run for memory: tracing slows it, so it is not timed
        reports(app)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    result = {
        "database": url.split(":")[0],
        "practices": args.practices,
        "cases": args.practices * args.cases,
        "floor_s": round(median(floors), 3),
        "reports_s": round(median(timings), 3),
        "ratio": round(median(timings) / median(floors), 2),
        "peak_python_mib": round(peak, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
