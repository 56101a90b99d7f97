"""Release notices through RQ with a real worker: the request only queues them, a worker sends
each exactly once, and running a step again (a retry, a re-run) sends nothing twice."""

from sqlalchemy import func, select

from pact_feedback.extensions import db
from pact_feedback.jobs.models import JobRun, SentEmail
from pact_feedback.jobs.queries import latest_run
from pact_feedback.jobs.queue import RUN_STEP, job_queue
from pact_feedback.reports import actions
from pact_feedback.reports.emails import readers
from pact_feedback.studies.models import Study
from tests.jobs.conftest import work_in_process
from tests.jobs.smtp_sink import smtp_sink
from tests.reports.scenario import build_round


def generated_round() -> int:
    """Two practices of five participants with draft reports: 12 readers (10 + 2 leads)."""
    world = build_round(sizes=(5, 5))
    actions.generate(world.study, by=None)
    return world.study.id


def release(app, study_id) -> tuple[int, list[str]]:
    """Release in `app`: the release-email job's id and the readers it owes."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        actions.release(study, by=None)
        return latest_run(study, "release_emails").id, sorted(r for r, _ in readers(study))


def job(app, run_id) -> JobRun:
    with app.app_context():
        run = db.session.get(JobRun, run_id)
        db.session.expunge(run)
        return run


def test_release_only_queues_the_emails_and_a_worker_sends_each_once(ctx, queued_app):
    """Releasing returns with nothing sent; a worker then sends one email per reader."""
    run_id, expected = release(queued_app, generated_round())
    outbox = queued_app.extensions["mailman"].__dict__.setdefault("outbox", [])

    queued = job(queued_app, run_id)
    assert (queued.status, queued.total, queued.done, len(queued.steps)) == ("queued", 12, 0, 3)
    assert outbox == [] and len(expected) == 12

    work_in_process(queued_app)

    finished = job(queued_app, run_id)
    assert (finished.status, finished.done, finished.errors) == ("finished", 12, 0)
    assert sorted(m.to[0] for m in outbox) == expected
    assert len({m.extra_headers["Message-ID"] for m in outbox}) == 12


def test_running_every_step_again_sends_nothing_twice(ctx, queued_app):
    """A step queued again after it finished (a duplicate delivery) finds its emails sent."""
    run_id, _ = release(queued_app, generated_round())
    work_in_process(queued_app)
    with queued_app.app_context():
        for index in range(3):
            job_queue().enqueue(RUN_STEP, run_id, index)
    work_in_process(queued_app)

    assert len(queued_app.extensions["mailman"].outbox) == 12
    assert job(queued_app, run_id).done == 12
    with queued_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentEmail)) == 12


def test_a_mail_server_that_defers_fails_the_step_without_resending_the_others(
    ctx, another_app, redis_url
):
    """451 for one reader: its step is retried automatically, then the job stops as failed;
    the readers before it in the same step got exactly one email across the three attempts."""
    with smtp_sink() as (sink, port):
        app = another_app(
            JOBS_REDIS_URL=redis_url,
            JOBS_CHUNK=5,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
        )
        run_id, expected = release(app, generated_round())
        sink.defer = {expected[2]}

        work_in_process(app)

        failed = job(app, run_id)
        assert failed.status == "failed" and "451" in failed.last_error
        assert failed.done == 11
        assert sink.recipients() == [r for r in expected if r != expected[2]]


def test_survey_invitations_and_reminders_go_through_the_queue_once(ctx, queued_app):
    """Invitations are queued, sent once each by a worker and written to the send log; a second
    reminder run on the same day sends nothing again."""
    from pact_feedback.surveys import emails
    from pact_feedback.surveys.models import SurveySend, SurveyWave
    from tests.surveys.helpers import lead_of, surveyed_study

    study, survey, practices = surveyed_study(3)
    survey.waves[0].invitations_sent_at = None
    db.session.commit()
    leads = sorted(lead_of(p).email for p in practices)
    wave_id = survey.waves[0].id
    outbox = queued_app.extensions["mailman"].__dict__.setdefault("outbox", [])

    with queued_app.app_context():
        assert emails.send_invitations(db.session.get(SurveyWave, wave_id)).sent == 3
    assert outbox == []
    work_in_process(queued_app)
    with queued_app.app_context():
        for _ in range(2):
            emails.send_reminders(db.session.get(SurveyWave, wave_id), min_days=0)
    work_in_process(queued_app)

    assert sorted(m.to[0] for m in outbox) == sorted(leads * 2)
    assert (
        sorted(m.subject for m in outbox).count(f"PACT Feedback: {emails.SUBJECTS['reminder']}")
        == 3
    )
    with queued_app.app_context():
        logged = db.session.scalars(select(SurveySend)).all()
        assert sorted((s.kind, s.email) for s in logged) == sorted(
            [("invitation", e) for e in leads] + [("reminder", e) for e in leads]
        )
