"""A participant's standing in a study: the one answer to "may this person keep a diary here,
and what does their study page offer?", for the web, the API, reminders and allocation.

not invited -> invited (a participant membership, no consent yet) -> consented on version v
(the study's current information sheet) -> needs re-consent (the sheet moved on) -> withdrawn
(no more data collected) -> erased (their diary data deleted). Withdrawal and erasure win over
consent; only `CONSENTED` keeps a diary.
"""

import enum
import functools
from dataclasses import dataclass

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import exists, select

from pact_feedback.accounts.models import Consent, Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.extensions import db
from pact_feedback.participation.models import Withdrawal
from pact_feedback.studies.actions import study_by_slug

WITHDRAWN_MESSAGE = (
    "You have withdrawn from this study, so your diary is closed and nothing more is collected. "
    "What you recorded before is kept unless you ask for it to be erased."
)
ERASED_MESSAGE = (
    "You have withdrawn from this study and your diary data has been erased. Nothing more is "
    "collected."
)
CONSENT_MESSAGE = "Give your consent on the website before keeping a diary for this study"


class Stage(enum.StrEnum):
    NOT_INVITED = "not invited"
    INVITED = "invited"
    CONSENTED = "consented"
    NEEDS_RECONSENT = "needs re-consent"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


# What a participant's study page offers at each stage.
OFFERS = {
    Stage.NOT_INVITED: frozenset(),
    Stage.INVITED: frozenset({"consent"}),
    Stage.NEEDS_RECONSENT: frozenset({"consent", "withdraw", "erase"}),
    Stage.CONSENTED: frozenset({"diary", "change_role", "withdraw", "erase"}),
    Stage.WITHDRAWN: frozenset({"erase"}),
    Stage.ERASED: frozenset(),
}


@dataclass(frozen=True)
class Standing:
    stage: Stage
    membership_id: int | None = None

    @property
    def keeps_diary(self) -> bool:
        return self.stage is Stage.CONSENTED

    @property
    def offers(self) -> frozenset:
        return OFFERS[self.stage]


@dataclass(frozen=True)
class Refusal:
    """Why a diary action is refused: an API problem kind and a sentence for people."""

    kind: str  # not-found, consent-needed, withdrawn
    message: str


def standing_columns(user_id, study_id, pis_version) -> tuple:
    """(membership id, consented to the current sheet, consented ever, withdrawn, erased) as
    SQL expressions. The arguments are values or columns of an enclosing query (the API checks
    a diary day and its owner's standing in one statement)."""
    membership = (
        select(Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.study_id == study_id,
            Membership.role == PARTICIPANT,
        )
        .order_by(Membership.id)
        .limit(1)
        .scalar_subquery()
    )
    consent = (Consent.user_id == user_id, Consent.study_id == study_id)
    withdrawal = (Withdrawal.user_id == user_id, Withdrawal.study_id == study_id)
    return (
        membership,
        exists().where(*consent, Consent.pis_version == pis_version),
        exists().where(*consent),
        exists().where(*withdrawal),
        exists().where(*withdrawal, Withdrawal.erased_at.is_not(None)),
    )


N_COLUMNS = 5


def standing_from(membership_id, current, ever, withdrawn, erased) -> Standing:
    """The stage from the values of `standing_columns`: the rule, in one place."""
    if membership_id is None:
        return Standing(Stage.NOT_INVITED)
    if erased:
        stage = Stage.ERASED
    elif withdrawn:
        stage = Stage.WITHDRAWN
    elif current:
        stage = Stage.CONSENTED
    else:
        stage = Stage.NEEDS_RECONSENT if ever else Stage.INVITED
    return Standing(stage, membership_id)


def standing_of(user_id: int | None, study) -> Standing:
    """A person's standing in `study`, in one query."""
    if user_id is None or study is None:
        return Standing(Stage.NOT_INVITED)
    row = db.session.execute(select(*standing_columns(user_id, study.id, study.pis_version))).one()
    return standing_from(*row)


def keeping_diary(study):
    """SQL: the user ids of `study`'s participants who may keep a diary (reminders,
    allocation), the same rule as `standing_from` for CONSENTED."""
    _, current, _, withdrawn, _ = standing_columns(
        Membership.user_id, Membership.study_id, study.pis_version
    )
    return select(Membership.user_id).where(
        Membership.study_id == study.id, Membership.role == PARTICIPANT, current, ~withdrawn
    )


def diary_refusal(standing: Standing) -> Refusal | None:
    """None when the person may keep a diary, else why not."""
    if standing.stage is Stage.NOT_INVITED:
        return Refusal("not-found", "No study with that name that you take part in")
    if standing.stage in (Stage.INVITED, Stage.NEEDS_RECONSENT):
        return Refusal("consent-needed", CONSENT_MESSAGE)
    if standing.stage is Stage.WITHDRAWN:
        return Refusal("withdrawn", WITHDRAWN_MESSAGE)
    if standing.stage is Stage.ERASED:
        return Refusal("withdrawn", ERASED_MESSAGE)
    return None


def _study_for_request():
    slug = (request.view_args or {}).get("slug")
    study = study_by_slug(slug) if slug else None
    if study is None:
        abort(404)
    return study


def refuse_web(standing: Standing, study):
    """The web answer to a refused standing: 404, the consent page or the study page."""
    refusal = diary_refusal(standing)
    if refusal is None:
        return None
    if refusal.kind == "not-found":
        abort(404)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({refusal.kind: refusal.message}), 409
    if refusal.kind == "consent-needed":
        return redirect(url_for("participation.consent", slug=study.slug))
    flash(refusal.message, "info")
    return redirect(url_for("participation.study", slug=study.slug))


def standing_exempt(view):
    """Marks a view of a gated blueprint that holds no one's data (e.g. a static script)."""
    view.standing_exempt = True
    return view


def diary_gate():
    """A `before_request` hook for a blueprint of diary pages under a study `slug`: only a
    participant who may keep a diary gets past (`g.standing` holds their standing)."""
    if not (request.view_args or {}).get("slug") or not current_user.is_authenticated:
        return None
    if getattr(current_app.view_functions.get(request.endpoint), "standing_exempt", False):
        return None
    study = _study_for_request()
    g.standing = standing_of(current_user.id, study)
    return refuse_web(g.standing, study)


STAGE_MESSAGES = {Stage.WITHDRAWN: WITHDRAWN_MESSAGE, Stage.ERASED: ERASED_MESSAGE}


def standing_required(*offers: str):
    """Decorator for a participant's page under a study `slug` (after `login_required`): open
    when their standing offers one of `offers`; else 404 for a non-participant, the consent
    page when consent is what is missing, or the study page saying why."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            study = _study_for_request()
            g.standing = standing = standing_of(current_user.id, study)
            if standing.stage is Stage.NOT_INVITED:
                abort(404)
            if standing.offers & set(offers):
                return view(*args, **kwargs)
            if "consent" in standing.offers:
                return redirect(url_for("participation.consent", slug=study.slug))
            if standing.stage in STAGE_MESSAGES:
                flash(STAGE_MESSAGES[standing.stage], "info")
            return redirect(url_for("participation.study", slug=study.slug))

        return wrapper

    return decorate


def diary_standing_required(view):
    """The same gate as a decorator, for a single view of a participant's diary."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        refused = diary_gate()
        return refused if refused is not None else view(*args, **kwargs)

    return wrapper
