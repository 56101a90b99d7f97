"""The progress page: the study team follows a job, and retries one that failed."""

from pact_feedback.accounts.roles import STUDY_TEAM
from tests.conftest import login, make_user, page, submit
from tests.jobs.conftest import work_in_process
from tests.jobs.smtp_sink import smtp_sink
from tests.jobs.test_worker import generated_round, job, release


def test_release_page_returns_at_once_and_shows_progress_to_the_end(ctx, queued_app):
    """The release button answers before any email is sent; the job page counts them."""
    study_id = generated_round()
    team = make_user(role=STUDY_TEAM)
    client = queued_app.test_client()
    login(client, team)
    with queued_app.app_context():
        from pact_feedback.extensions import db
        from pact_feedback.studies.models import Study

        url = f"/studies/{db.session.get(Study, study_id).slug}/reports"

    response = submit(client, f"{url}/release", {}, form_url=url)
    assert response.status_code == 302 and "/jobs/" in response.location
    waiting = page(client.get(response.location)).get_text(" ", strip=True)
    assert "Waiting for a worker" in waiting and "0 of 12" in waiting and "refresh it" in waiting
    assert client.get(f"{response.location}/progress").get_json()["status"] == "queued"

    work_in_process(queued_app)

    done = page(client.get(response.location)).get_text(" ", strip=True)
    assert "Finished" in done and "12 of 12" in done and "refresh it" not in done
    assert client.get(f"{response.location}/progress").get_json() == {
        "id": int(response.location.rsplit("/", 1)[1]),
        "status": "finished",
        "done": 12,
        "total": 12,
        "errors": 0,
        "finished": True,
        "last_error": None,
    }


def test_a_failed_job_is_retried_from_its_page(ctx, another_app, redis_url):
    """A job stopped by a deferring mail server is retried with its button once the server is
    back: the remaining reader gets their email and nobody gets a second one."""
    team = make_user(role=STUDY_TEAM)
    with smtp_sink() as (sink, port):
        app = another_app(
            JOBS_REDIS_URL=redis_url,
            JOBS_CHUNK=5,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
        )
        run_id, expected = release(app, generated_round())
        sink.defer = {expected[0]}
        work_in_process(app)
        client = app.test_client()
        login(client, team)
        stopped = page(client.get(f"/jobs/{run_id}")).get_text(" ", strip=True)
        assert "Stopped by an error" in stopped and "451" in stopped and "11 of 12" in stopped

        sink.defer = set()
        response = submit(client, f"/jobs/{run_id}/retry", {}, form_url=f"/jobs/{run_id}")
        assert response.status_code == 302
        work_in_process(app)

        assert sink.recipients() == expected
        assert (job(app, run_id).status, job(app, run_id).done) == ("finished", 12)
        again = submit(client, f"/jobs/{run_id}/retry", {}, form_url=f"/jobs/{run_id}")
        assert "Only a job that failed can be retried" in page(client.get(again.location)).get_text(
            " ", strip=True
        )


def test_an_export_is_built_by_a_worker_and_downloaded_from_the_job_page(ctx, queued_app):
    """The export form answers at once; a worker builds the file; the team downloads it from
    the job's page until it expires, and purge-expired then deletes it."""
    from datetime import timedelta

    from sqlalchemy import update

    from pact_feedback.core.time import utcnow
    from pact_feedback.extensions import db
    from pact_feedback.jobs.models import JobFile
    from tests.governance.test_export import _open, _study_with_data

    study, _, _ = _study_with_data()
    team = make_user(role=STUDY_TEAM)
    client = queued_app.test_client()
    login(client, team)
    url = f"/governance/studies/{study.slug}/export"

    response = submit(client, url, {})
    assert response.status_code == 302 and "/jobs/" in response.location
    assert "Download" not in page(client.get(response.location)).get_text(" ", strip=True)

    work_in_process(queued_app)

    ready = page(client.get(response.location))
    link = ready.select_one("a[download]")
    assert link.text.startswith(f"Download {study.slug}-export.zip")
    files = _open(client.get(link["href"]).data)
    assert len(files["task_entries.csv"].splitlines()) == 13  # header + 12 entries
    with queued_app.app_context():
        db.session.execute(update(JobFile).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(link["href"]).status_code == 410
    result = queued_app.test_cli_runner().invoke(args=["purge-expired"])
    assert "Deleted 1 expired job file(s)" in result.output
    assert client.get(link["href"]).status_code == 404
