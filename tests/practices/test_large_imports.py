"""Imports of any size: a file past MAX_IMPORT_ROWS (200,000 rows here, a mistaken
concatenation) is refused in one clear line, in bounded time and memory, by every CSV import;
and looking practices up by code never builds an `IN (...)` list larger than a database takes
(PostgreSQL: 65,535 parameters a statement; SQLite: 32,766)."""

import time
import tracemalloc

import pytest
from sqlalchemy import func, select

from pact_feedback.extensions import db
from pact_feedback.practices.importing import MAX_IMPORT_ROWS, practices_by_code
from pact_feedback.practices.models import Practice
from tests.conftest import make_practice, make_study
from tests.practices.test_import import GOOD, HEADER


def test_looking_up_seventy_thousand_codes_works_on_every_database(ctx):
    known = [make_practice() for _ in range(3)]
    codes = [f"Q{n:06d}" for n in range(70_000)] + [p.ods_code for p in known]
    found = practices_by_code(codes)
    assert sorted(found) == sorted(p.ods_code for p in known)


def _huge_file(path, rows=200_000):
    template = GOOD[0].split(",", 1)[1]
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            out.write(f"Q{n:06d},{template}\n")


@pytest.mark.parametrize(
    "command",
    [
        ["import-practices"],
        ["studies", "enrol", "{slug}"],
        ["surveys", "import-responses", "{slug}"],
    ],
)
def test_a_two_hundred_thousand_row_file_is_refused_in_one_line(app, ctx, tmp_path, command):
    study = make_study(status="survey_open")
    if command[0] == "surveys":
        from pact_feedback.surveys.actions import ensure_default_survey

        ensure_default_survey(study)
    path = tmp_path / "practices.csv"
    _huge_file(path)
    args = [part.format(slug=study.slug) for part in command] + [str(path)]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = app.test_cli_runner().invoke(args=args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1, result.output
    assert f"200,000 rows, more than the {MAX_IMPORT_ROWS:,} an import takes" in result.output
    assert "Traceback" not in result.output and len(result.output) < 1000
    assert elapsed < 30  # in practice about a second: the file is refused before parsing
    assert peak < 120 * 2**20  # the file's bytes and text (~18 MB each), no per-row objects
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 0
