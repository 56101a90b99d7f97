"""`flask reports generate / release / reissue` do what the web actions do."""

from sqlalchemy import func, select

from pact_feedback.extensions import db
from pact_feedback.reports.models import Report
from tests.reports.scenario import build_round


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["reports", *args])


def test_generate_release_and_reissue_from_the_command_line(app, ctx, outbox):
    world = build_round(sizes=(5, 5))
    slug = world.study.slug

    result = _run(app, "generate", slug)
    assert result.exit_code == 0, result.output
    assert "Generated 12 draft reports (2 practice, 10 participant)" in result.output

    result = _run(app, "release", slug)
    assert result.exit_code == 0 and "Released 12 reports" in result.output
    assert len(outbox) == 12

    result = _run(app, "generate", slug)
    assert result.exit_code == 2 and "Re-issue them instead" in result.output

    result = _run(app, "reissue", slug, "--reason", "Late diary corrected")
    assert result.exit_code == 0 and "version 2" in result.output
    assert db.session.scalar(select(func.count()).select_from(Report)) == 24


def test_unknown_study_is_a_usage_error(app, ctx):
    result = _run(app, "generate", "no-such-study")
    assert result.exit_code == 2 and "No study with slug no-such-study" in result.output
