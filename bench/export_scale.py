#!/usr/bin/env python3
"""The analysis export at network scale, against a bare COPY floor in the same run.

    .venv/bin/python bench/export_scale.py --pg postgresql+psycopg://postgres@127.0.0.1/<scratch> \
        --practices 750 --clinicians 8 --entries 500000
    .venv/bin/python bench/export_scale.py --pg ... --uk     # the whole-UK round of issue 22
    .venv/bin/python bench/export_scale.py --practices 750 --clinicians 8 --entries 500000
                                                              # the same on SQLite (a temp file)
    .venv/bin/python bench/export_scale.py --db URL-or-path   # measure a round built before

The round is built by `bench/reports_scale.py`'s own `build` (imported, not copied: 2 diary days per
clinician, entries by COPY on PostgreSQL), in a child process. Then, each in its own child
process so its peak RSS (ru_maxrss) is its own:

  floor    the export's two diary queries (`diary_days_query`, `task_entries_query`: the same
           join, filter and order) as `COPY (SELECT ...) TO STDOUT (FORMAT csv)` through psycopg
           into a file; on SQLite, which has no COPY, the same SELECTs through sqlite3 into
           `csv.writer` (the bare read-and-write floor)
  export   `governance.export.write_export` into a file (default options: shifted dates, no
           notes, no spreadsheets): pseudonyms, formatting, CSV escaping, ZIP
  job      `governance.jobs.export_step`: the export as the queue runs it, with its progress
           writes and the finished ZIP stored in `job_files` (only with `--job`)

floor and export alternate `--repeat` times (medians reported, peak RSS the largest). Prints a
table, the load average before and after, and one JSON line; docs/performance.md records them.
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _child import measure as run_child  # noqa: E402  (after the path)
from reports_scale import _app, _is_pg, _pg_connect, build, build_in_child  # noqa: E402  (after the path)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _queries(app):
    """The export's two diary queries as SQL text for this database, parameters bound."""
    with app.app_context():
        from pact_feedback.extensions import db
        from pact_feedback.governance.export import diary_days_query, task_entries_query
        from pact_feedback.studies.actions import study_by_slug

        study = study_by_slug("scale")
        dialect = db.engine.dialect
        return [
            str(q.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            for q in (diary_days_query(study.id), task_entries_query(study.id, include_notes=False))
        ]


def child(way, target, out_dir):
    app = _app(target)
    out = Path(out_dir)
    if way == "floor":
        sqls = _queries(app)  # compiled before the clock starts, like the app's own start-up
        started = time.perf_counter()
        size = 0
        if _is_pg(target):
            with _pg_connect(target) as con, con.cursor() as cur:
                for n, sql in enumerate(sqls):
                    with (
                        (out / f"floor{n}.csv").open("wb") as f,
                        cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy,
                    ):
                        for block in copy:
                            f.write(block)
                            size += len(block)
        else:
            import sqlite3

            con = sqlite3.connect(target)
            for n, sql in enumerate(sqls):
                with (out / f"floor{n}.csv").open("w", newline="") as f:
                    csv.writer(f).writerows(con.execute(sql))
                    size += f.tell()
            con.close()
        result = {"bytes": size}
    else:
        with app.app_context():
            from dataclasses import asdict

            from sqlalchemy.orm import configure_mappers

            from pact_feedback.extensions import db
            from pact_feedback.governance.export import ExportOptions, write_export
            from pact_feedback.studies.actions import study_by_slug

            configure_mappers()  # as in reports_scale.py: a running app has done this already
            study = study_by_slug("scale")
            db.session.commit()
            started = time.perf_counter()
            if way == "export":
                calls = []
                with (out / "export.zip").open("wb") as f:
                    rows = write_export(study, ExportOptions(), f, progress=calls.append)
                    size = f.tell()
                result = {"rows": rows, "bytes": size, "progress_calls": len(calls)}
            else:
                from pact_feedback.governance.jobs import export_step
                from pact_feedback.jobs.files import discard_files
                from pact_feedback.jobs.models import JobFile, JobRun

                run = JobRun(kind="analysis_export", description="bench", study_id=study.id)
                db.session.add(run)
                db.session.commit()
                export_step(run, study.id, asdict(ExportOptions()), None)
                stored = db.session.scalar(
                    db.select(JobFile.size).where(JobFile.job_run_id == run.id)
                )
                discard_files(JobFile.job_run_id == run.id)  # and its chunks
                db.session.execute(db.delete(JobRun).where(JobRun.id == run.id))
                db.session.commit()
                result = {"bytes": stored, "message": run.result["message"]}
    result["secs"] = time.perf_counter() - started
    print(json.dumps(result))


def measure(way, target, out_dir):
    return run_child(__file__, way, target, out_dir, cpu=True)


def report(args, target):
    out_dir = tempfile.mkdtemp(prefix="pact-export-bench-")
    load_before = _load()
    runs = {"floor": [], "export": []}
    for _ in range(args.repeat):  # alternating, so a busy spell on the machine hits both
        for way in runs:
            runs[way].append(measure(way, target, out_dir))
            print(f"  {way}: {runs[way][-1]['secs']:.2f} s, load {_load()}", file=sys.stderr)
    results = {
        way: {
            "secs": median(r["secs"] for r in measured),
            "all_secs": [round(r["secs"], 2) for r in measured],
            "cpu_secs": median(r["cpu_secs"] for r in measured),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in measured),
            "bytes": measured[-1]["bytes"],
        }
        for way, measured in runs.items()
    }
    results["export"]["rows"] = runs["export"][-1]["rows"]
    results["export"]["progress_calls"] = runs["export"][-1]["progress_calls"]
    if args.job:
        results["job"] = measure("job", target, out_dir)
    load_after = _load()
    for name in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, name))
    os.rmdir(out_dir)
    ratio = results["export"]["secs"] / results["floor"]["secs"]
    rows = results["export"]["rows"]
    print(
        f"diary_days {rows['diary_days.csv']:,} rows, task_entries {rows['task_entries.csv']:,} "
        f"rows; load average {load_before} before, {load_after} after"
    )
    print(f"{'step':<8}{'secs':>8}{'child CPU s':>12}{'peak RSS MiB':>15}{'file MiB':>10}")
    for way in ("floor", "export", "job"):
        if way in results:
            r = results[way]
            print(
                f"{way:<8}{r['secs']:>8.2f}{r['cpu_secs']:>12.2f}{r['peak_rss_mib']:>15.0f}"
                f"{r['bytes'] / 2**20:>10.1f}"
            )
    print(
        f"export / floor = {ratio:.2f}x time (target <= 2x), "
        f"{results['export']['peak_rss_mib'] / results['floor']['peak_rss_mib']:.2f}x peak RSS"
    )
    database = "postgresql" if _is_pg(target) else "sqlite"
    print(
        json.dumps(
            {
                "database": database,
                "ratio": ratio,
                "load_before": load_before,
                "load_after": load_after,
                **results,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--practices", type=int, default=750)
    parser.add_argument("--clinicians", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--job", action="store_true", help="also measure the job step")
    parser.add_argument("--db", help="measure a round built before (kept)")
    parser.add_argument(
        "--pg", help="build in this PostgreSQL database (a scratch one: it is emptied)"
    )
    parser.add_argument(
        "--uk",
        action="store_true",
        help="the whole-UK round: 7,700 practices x 8 clinicians, 5,000,000 entries",
    )
    parser.add_argument("--keep", help="build the SQLite round at this path and keep it")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        way, target, out_dir = args.child
        return child(way, target, out_dir)
    if args.uk:
        args.entries, args.practices, args.clinicians = 5_000_000, 7_700, 8
    if args.build:
        return build(args.build, args.entries, args.practices, args.clinicians)
    if args.db:
        return report(args, args.db)
    folder = None
    if args.pg:
        target = args.pg
    elif args.keep:
        target = args.keep
    else:
        folder = tempfile.mkdtemp(prefix="pact-export-bench-db-")
        target = os.path.join(folder, "scale.sqlite3")
    seconds = build_in_child(__file__, target, args)
    print(
        f"built {args.entries:,} entries for {args.practices * args.clinicians:,} clinicians "
        f"in {seconds:.0f} s (load {_load()})"
    )
    report(args, target)
    if folder:
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)


if __name__ == "__main__":
    main()
