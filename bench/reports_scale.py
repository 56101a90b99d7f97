#!/usr/bin/env python3
"""Report generation at network scale, against the bare SQL GROUP BY floor in the same run.

    .venv/bin/python bench/reports_scale.py [--entries 1000000] [--practices 500] [--clinicians 10]
    .venv/bin/python bench/reports_scale.py --build /tmp/scale.sqlite3   # build once, then
    .venv/bin/python bench/reports_scale.py --db /tmp/scale.sqlite3      # measure it again
    .venv/bin/python bench/reports_scale.py --pg postgresql+psycopg://postgres@127.0.0.1/<scratch>
    .venv/bin/python bench/reports_scale.py --pg ... --uk   # a whole-UK round (below)

On PostgreSQL (`--pg URL`: a scratch database, emptied and built the same way; entries loaded
with COPY, then ANALYZE) the floor is the same GROUP BY through psycopg on the same tables.
`--uk` is the issue-22 round: 7,700 practices x 8 clinicians x 2 diary days, 5,000,000 entries.

Builds a SQLite database with the real migrations (500 practices x 10 clinicians, two diary
days each, `--entries` task entries over the default taxonomy; a lead per practice, one in ten
leading three practices), then, each in its own child process so peak RSS (ru_maxrss) is its
own:

  floor       the bare SQL: practice x category GROUP BY over the same tables (sqlite3 only)
  aggregate   `reports.frames.load_inputs` + `reports.build.stream_reports`: every payload,
              each counted and dropped as it is built (as generating stores and drops them)
              (floor and aggregate alternate, `--repeat` times each; medians reported)
  generate    `reports.actions.generate`: the above plus storing every draft snapshot

and the per-report render time of one practice report as HTML and as PDF. Prints a table and
one JSON line; `docs/performance.md` records the figures.
"""

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _child import measure as run_child  # noqa: E402  (after the path)


def _url(target: str) -> str:
    """A database URL for `target`: a PostgreSQL URL as it is, else a SQLite file path."""
    return target if target.startswith("postgresql") else f"sqlite:///{target}"


def _is_pg(target: str) -> bool:
    return target.startswith("postgresql")


def _pg_connect(target: str):
    import psycopg

    return psycopg.connect(target.replace("postgresql+psycopg", "postgresql"))


def _app(db_path):
    from pact_feedback import create_app

    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=_url(db_path),
        WTF_CSRF_ENABLED=False,
        SERVER_NAME="bench.local",
    )


def build(db_path, n_entries, n_practices, per_practice):
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from pact_feedback.accounts.models import Membership, User
    from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
    from pact_feedback.diary.taxonomy import ensure_taxonomy
    from pact_feedback.extensions import db
    from pact_feedback.practices.models import Practice
    from pact_feedback.studies.models import Enrolment, Study

    app = _app(db_path)
    rnd = random.Random(2026)
    if _is_pg(db_path):
        with _pg_connect(db_path) as con:
            con.execute("DROP SCHEMA public CASCADE")
            con.execute("CREATE SCHEMA public")
    with app.app_context():
        upgrade()
        study = Study(
            slug="scale",
            title="Scale",
            status="analysing",
            collection_start=date(2026, 3, 2),
            collection_end=date(2026, 3, 27),
        )
        db.session.add(study)
        db.session.flush()
        ensure_taxonomy(study)
        db.session.commit()
        categories = [c.id for c in db.session.query(Category).filter_by(study_id=study.id)]
        nations = ["England"] * 8 + ["Scotland", "Wales"]
        db.session.execute(
            insert(Practice),
            [
                dict(
                    ods_code=f"S{i:05d}",
                    name=f"Practice {i}",
                    nation=nations[i % 10],
                    region="Region",
                    list_size=rnd.randint(2000, 30000),
                    pct_65_plus=rnd.uniform(5, 30),
                    imd_score=rnd.uniform(5, 50),
                    imd_decile=rnd.randint(1, 10),
                    pct_rural=rnd.uniform(0, 80),
                    data_date=date(2026, 1, 1),
                )
                for i in range(n_practices)
            ],
        )
        practice_ids = [p.id for p in db.session.query(Practice.id).order_by(Practice.id)]
        db.session.execute(
            insert(Enrolment), [dict(study_id=study.id, practice_id=p) for p in practice_ids]
        )
        n_people = n_practices * per_practice
        db.session.execute(
            insert(User),
            [
                dict(email=f"c{i}@scale.example", name=f"Clinician {i}", password_hash="!")  # noqa: S106  (no sign-in)
                for i in range(n_people)
            ],
        )
        user_ids = [u.id for u in db.session.query(User.id).order_by(User.id)]
        roles = ["gp_partner", "salaried_gp", "practice_nurse", "clinical_pharmacist"]
        practice_of = {u: practice_ids[i // per_practice] for i, u in enumerate(user_ids)}
        role_of = {u: roles[i % len(roles)] for i, u in enumerate(user_ids)}
        db.session.execute(
            insert(Membership),
            [
                dict(
                    user_id=u,
                    role="participant",
                    practice_id=practice_of[u],
                    study_id=study.id,
                    staff_role=role_of[u],
                    shares_with_practice=rnd.random() < 0.6,
                )
                for u in user_ids
            ],
        )
        # One lead per practice; one lead in ten leads the next two practices as well (a
        # group of practices), which the disclosure rules protect against as one reader.
        db.session.execute(
            insert(User),
            [
                dict(email=f"lead{i}@scale.example", name=f"Lead {i}", password_hash="!")  # noqa: S106  (no sign-in)
                for i in range(n_practices)
            ],
        )
        lead_ids = [u.id for u in db.session.query(User.id).order_by(User.id)][n_people:]
        db.session.execute(
            insert(Membership),
            [
                dict(user_id=lead, role="practice_lead", practice_id=practice_ids[j])
                for i, lead in enumerate(lead_ids)
                for j in ([i, i + 1, i + 2] if i % 10 == 0 else [i])
                if j < n_practices
            ],
        )
        done = datetime(2026, 3, 20, 18)
        db.session.execute(
            insert(DiaryDay),
            [
                dict(
                    study_id=study.id,
                    user_id=u,
                    practice_id=practice_of[u],
                    date=date(2026, 3, 2) + timedelta(days=d),
                    staff_role=role_of[u],
                    completed_at=done,
                )
                for u in user_ids
                for d in (0, 7)
            ],
        )
        db.session.commit()
        day_ids = [d.id for d in db.session.query(DiaryDay.id)]

    def entries(start, count):
        return (
            (
                rnd.choice(day_ids),
                rnd.choice(categories),
                rnd.randint(1, 60),
                rnd.random() < 0.2,
                rnd.choice([None, "gp", "admin", "nobody"]),
                f"{start + i}",
            )
            for i in range(count)
        )

    batch = 100_000
    if _is_pg(db_path):  # COPY, in batches so the generator never holds the round
        with _pg_connect(db_path) as con, con.cursor() as cur:
            for start in range(0, n_entries, batch):
                with cur.copy(
                    "COPY diary_entries (day_id, category_id, minutes, outside_hours, "
                    "interrupted, could_be_done_by, client_id, created_at, updated_at) "
                    "FROM STDIN"
                ) as copy:
                    for row in entries(start, min(batch, n_entries - start)):
                        copy.write_row((*row[:4], False, *row[4:], "2026-03-20", "2026-03-20"))
                con.commit()
            cur.execute("ANALYZE")
            con.commit()
        return
    con = sqlite3.connect(db_path)  # the entries themselves: plain executemany, fastest
    for start in range(0, n_entries, batch):
        con.executemany(
            "INSERT INTO diary_entries (day_id, category_id, minutes, outside_hours, "
            "interrupted, could_be_done_by, client_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 0, ?, ?, '2026-03-20', '2026-03-20')",
            list(entries(start, min(batch, n_entries - start))),
        )
        con.commit()
    con.close()
    del TaskEntry  # imported for its table


FLOOR_SQL = (
    "SELECT d.practice_id, c.code, COUNT(*), SUM(e.minutes), AVG(e.minutes) "
    "FROM diary_entries e JOIN diary_days d ON d.id = e.day_id "
    "JOIN diary_categories c ON c.id = e.category_id "
    "GROUP BY d.practice_id, c.code"
)


def child(way, db_path):
    started = time.perf_counter()
    if way == "floor":
        con = _pg_connect(db_path) if _is_pg(db_path) else sqlite3.connect(db_path)
        rows = con.execute(FLOOR_SQL).fetchall()
        con.close()
        result = {"rows": len(rows)}
    else:
        app = _app(db_path)
        with app.app_context():
            from sqlalchemy.orm import configure_mappers

            from pact_feedback.reports.actions import generate
            from pact_feedback.reports.build import stream_reports
            from pact_feedback.reports.frames import load_inputs
            from pact_feedback.studies.actions import study_by_slug

            # Imports (pandas) and the app's start-up are not the work, as in data_scale.py;
            # nor is SQLAlchemy setting up its mappers on the first ORM query of a process
            # (about 0.1-0.3 s here), which a running app has done before anyone generates.
            configure_mappers()
            started = time.perf_counter()
            study = study_by_slug("scale")
            if way == "aggregate":
                # Each payload built and dropped, as generating stores and drops them.
                result = {"reports": sum(1 for _ in stream_reports(load_inputs(study)))}
            elif way == "generate":
                result = {"reports": generate(study, by=None).total}
            else:
                result = _render(app, study)
    result["secs"] = time.perf_counter() - started
    print(json.dumps(result))


def _render(app, study):
    from flask import render_template

    from pact_feedback.extensions import db
    from pact_feedback.reports.models import Report
    from pact_feedback.reports.pdf import render_pdf
    from pact_feedback.reports.presenting import report_context

    report = db.session.query(Report).filter_by(kind="practice").first()
    html, pdf = [], []
    with app.test_request_context():
        for _ in range(5):
            t = time.perf_counter()
            render_template("reports/show.html", **report_context(report, viewer=None))
            html.append(time.perf_counter() - t)
            t = time.perf_counter()
            render_pdf(report_context(report, viewer=None))
            pdf.append(time.perf_counter() - t)
    return {"html_ms": median(html) * 1000, "pdf_ms": median(pdf) * 1000}


def measure(way, db_path):
    return run_child(__file__, way, db_path)


def build_in_child(script: str, target: str, args) -> float:
    """Build the round in `target` by running `script --build` (a script whose `--build` calls
    `build`), so the children measured later do not inherit its memory; returns seconds."""
    started = time.perf_counter()
    subprocess.run(  # noqa: S603  (our script, our arguments)
        [
            sys.executable,
            script,
            "--build",
            target,
            "--entries",
            str(args.entries),
            "--practices",
            str(args.practices),
            "--clinicians",
            str(args.clinicians),
        ],
        check=True,
        env={**os.environ, "PACT_ENV": "testing"},
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--practices", type=int, default=500)
    parser.add_argument("--clinicians", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--db",
        help="measure an existing database built by --build (a SQLite path or a PostgreSQL "
        "URL, kept), instead of a new one",
    )
    parser.add_argument(
        "--pg", help="build in this PostgreSQL database (a scratch one: it is emptied)"
    )
    parser.add_argument(
        "--uk",
        action="store_true",
        help="the whole-UK round: 7,700 practices x 8 clinicians, 5,000,000 entries",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.uk:
        args.entries, args.practices, args.clinicians = 5_000_000, 7_700, 8
    if args.build:
        return build(args.build, args.entries, args.practices, args.clinicians)
    if args.db:
        return report(args, args.db)
    folder = tempfile.mkdtemp(prefix="pact-reports-bench-")
    db_path = args.pg or os.path.join(folder, "scale.sqlite3")
    seconds = build_in_child(__file__, db_path, args)
    print(
        f"built {args.entries:,} entries for {args.practices * args.clinicians:,} clinicians "
        f"in {seconds:.0f} s"
    )
    report(args, db_path)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)


def report(args, db_path):
    results, runs = {}, {"floor": [], "aggregate": []}
    load_before = os.getloadavg()
    for _ in range(args.repeat):  # alternating, so a busy spell on the machine hits both
        for way in runs:
            runs[way].append(measure(way, db_path))
            print(
                f"  {way}: {runs[way][-1]['secs']:.2f} s, {runs[way][-1]['peak_rss_mib']:.0f} MiB, "
                f"load {os.getloadavg()[0]:.2f}",
                file=sys.stderr,
            )
    for way, measured in runs.items():
        results[way] = {
            "secs": median(r["secs"] for r in measured),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in measured),
            "all_secs": [round(r["secs"], 2) for r in measured],
            "all_peak_rss_mib": [round(r["peak_rss_mib"]) for r in measured],
        }
    results["generate"] = measure("generate", db_path)
    results["render"] = measure("render", db_path)
    ratio = results["aggregate"]["secs"] / results["floor"]["secs"]
    print(f"{'step':<12}{'secs':>8}{'peak RSS MiB':>15}")
    for way in ("floor", "aggregate", "generate"):
        print(f"{way:<12}{results[way]['secs']:>8.2f}{results[way]['peak_rss_mib']:>15.0f}")
    print(
        f"aggregate / floor = {ratio:.2f}x (target <= 3x); "
        f"peak {results['aggregate']['peak_rss_mib']:.0f} MiB "
        f"(target <= {500 if args.uk else 300})"
    )
    print(
        f"render one practice report: HTML {results['render']['html_ms']:.0f} ms, "
        f"PDF {results['render']['pdf_ms']:.0f} ms"
    )
    database = "postgresql" if _is_pg(db_path) else "sqlite"
    load = {"before": load_before, "after": os.getloadavg()}
    print(json.dumps({"database": database, "ratio": ratio, **results, "load": load}))


if __name__ == "__main__":
    main()
