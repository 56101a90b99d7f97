"""PACT Feedback: the application factory reads like a table of contents."""

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import get_config, production_problems, trusted_hosts
from pact_feedback.extensions import csrf, db, limiter, login_manager, mail, migrate, talisman

ROOT = Path(__file__).resolve().parent.parent


class PactFlask(Flask):
    """Flask, remembering which hooks and views are plain functions. Flask asks again for each
    of the ~16 hooks a request runs (`inspect.iscoroutinefunction`, a few calls each): 1.7% of
    a diary write's instructions, for an answer that never changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced: dict = {}

    def ensure_sync(self, func):
        try:
            return self._synced[func]
        except KeyError:
            synced = self._synced[func] = super().ensure_sync(func)
            return synced


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = PactFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        static_url_path="/assets",  # the NHS.UK CSS refers to /assets/images/...
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(get_config(config_name))
    app.config.update(overrides)
    _check_config(app)

    _init_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _connect_signals()
    _register_cli(app)

    from pact_feedback.core.errors import register_error_handlers

    register_error_handlers(app)
    return app


def _check_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set outside development (see README: Configuration)")
    if app.config["ENV_NAME"] == "production" and (problems := production_problems(app.config)):
        raise RuntimeError("Refusing to start in production: " + " ".join(problems))
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(ROOT / "templates")), PackageLoader("nhsuk_frontend_jinja")]
    )
    # The NHS.UK macros read chained parameters such as params.hint.text.
    app.jinja_env.undefined = ChainableUndefined
    from pact_feedback.core import template_helpers
    from pact_feedback.home import navigation

    template_helpers.init_app(app)
    navigation.init_app(app)
    _share_feature_helpers(app)


def _share_feature_helpers(app: Flask) -> None:
    """Pages on a lower floor include a feature's partial by name (the study page's diary
    completion, the "take part" page's report links and withdrawal status); the helpers those
    partials call are given to every template here, and only here, so the links can be seen."""
    from pact_feedback.casebook.actions import has_record_audit
    from pact_feedback.diary.queries import completion_counts
    from pact_feedback.disclosure import display_count, small_numbers_note
    from pact_feedback.governance.retention import expires_at
    from pact_feedback.participation.actions import latest_consent, withdrawal_for
    from pact_feedback.reports.queries import (
        released_for_participant,
        released_practice_report,
        shared_with_practice,
    )

    app.jinja_env.globals.update(
        diary_completion=completion_counts,  # diary/_study_completion, _practice_completion
        display_count=display_count,  # every count a page shows goes through disclosure
        small_numbers_note=small_numbers_note,  # _partials/small_numbers: the footnote beside them
        released_practice_report=released_practice_report,  # report links on people's pages
        released_participant_report=released_for_participant,
        shared_reports=shared_with_practice,  # reports/_shared_with_practice on the lead's page
        withdrawal_for=withdrawal_for,  # governance/_study_status
        latest_consent=latest_consent,
        retention_ends=expires_at,
        has_record_audit=has_record_audit,  # casebook/_study_link, diary/_study_link
    )


def _init_extensions(app: Flask) -> None:
    Path(app.instance_path).mkdir(exist_ok=True)
    import pact_feedback.models  # noqa: F401  (the whole schema, for Alembic)

    db.init_app(app)
    from pact_feedback.core.sqlite import init_sqlite

    init_sqlite(app)
    from pact_feedback.core.pooling import init_idle_ping

    init_idle_ping(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    from pact_feedback.core.security import init_security

    # Security first: its before_request makes the CSP nonce, which error pages raised by the
    # CSRF and rate-limit checks (400, 429) need for their scripts.
    init_security(app, talisman, login_manager)
    from pact_feedback.accounts.sessions import load_session_user

    login_manager.user_loader(load_session_user)  # a session row, revocable, not only a cookie
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    from pact_feedback.core.assets import init_assets

    init_assets(app)


def _register_blueprints(app: Flask) -> None:
    from pact_feedback.accounts.views import bp as accounts_bp
    from pact_feedback.api.pages import bp as api_tokens_bp
    from pact_feedback.api.routes import bp as api_v1_bp
    from pact_feedback.audit.views import bp as audit_bp
    from pact_feedback.casebook.routes import bp as casebook_bp
    from pact_feedback.core.views import bp as core_bp
    from pact_feedback.diary.team_views import bp as diary_team_bp
    from pact_feedback.diary.views import bp as diary_bp
    from pact_feedback.governance.views import bp as governance_bp
    from pact_feedback.home.views import bp as home_bp
    from pact_feedback.jobs.views import bp as jobs_bp
    from pact_feedback.participation.views import bp as participation_bp
    from pact_feedback.practices.views import bp as practices_bp
    from pact_feedback.qi.views import bp as qi_bp
    from pact_feedback.reports.views import bp as reports_bp
    from pact_feedback.studies.practice_views import bp as practice_lead_bp
    from pact_feedback.studies.team_views import bp as team_bp
    from pact_feedback.studies.views import bp as studies_bp
    from pact_feedback.study_admin.views import bp as study_admin_bp
    from pact_feedback.surveys.routes import bp as surveys_bp

    for blueprint in (
        core_bp,
        home_bp,
        accounts_bp,
        studies_bp,
        practices_bp,
        participation_bp,
        audit_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(team_bp)
    app.register_blueprint(practice_lead_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(casebook_bp)
    app.register_blueprint(qi_bp)
    app.register_blueprint(diary_bp)
    app.register_blueprint(diary_team_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(api_v1_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(study_admin_bp)


def _connect_signals() -> None:
    """Features above a lower floor react to its events here, where the link can be seen."""
    from pact_feedback.diary.taxonomy import taxonomy_for_new_study
    from pact_feedback.reports.signals import reports_released
    from pact_feedback.studies.signals import reports_sent_elsewhere, study_created
    from pact_feedback.surveys.actions import date_waves_for_study, survey_for_new_study

    study_created.connect(taxonomy_for_new_study)  # blinker keeps one connection per receiver
    study_created.connect(survey_for_new_study)
    reports_released.connect(date_waves_for_study)  # the uptake survey's waves follow release
    reports_sent_elsewhere.connect(date_waves_for_study)
    from pact_feedback.casebook.presenting import report_context as audit_report_context
    from pact_feedback.casebook.report import plug_into_reports

    plug_into_reports(audit_report_context)  # reports built and shown from a form definition


def _register_cli(app: Flask) -> None:
    from pact_feedback.cli import register_commands

    register_commands(app)
