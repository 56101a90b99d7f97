"""Every study gets the default taxonomy; seeding is idempotent and keeps the team's edits."""

from sqlalchemy import select

from pact_feedback.accounts.models import User
from pact_feedback.diary.models import Category
from pact_feedback.diary.taxonomy import DEFAULT_TAXONOMY, ensure_taxonomy
from pact_feedback.extensions import db
from pact_feedback.studies.actions import create_study
from tests.conftest import make_study


def _codes(study):
    return [
        c.code
        for c in db.session.scalars(
            select(Category).filter_by(study_id=study.id).order_by(Category.position)
        )
    ]


def test_create_study_seeds_the_default_taxonomy(ctx):
    team = User(email="team@example.org")
    db.session.add(team)
    db.session.commit()
    study = create_study(by=team, slug="round-2", title="Round 2")
    assert _codes(study) == [code for code, _, _ in DEFAULT_TAXONOMY]
    b1 = db.session.scalar(select(Category).filter_by(study_id=study.id, code="B1"))
    assert (b1.label, b1.group, b1.active) == ("Test results", "B", True)
    assert len(DEFAULT_TAXONOMY) == 21
    assert {c.group for c in db.session.scalars(select(Category))} == set("ABCDE")


def test_ensure_taxonomy_is_idempotent_and_keeps_edits(ctx):
    study = make_study(taxonomy=False)
    assert _codes(study) == []  # made without create_study
    ensure_taxonomy(study)
    db.session.commit()
    b1 = db.session.scalar(select(Category).filter_by(study_id=study.id, code="B1"))
    b1.label = "Results and tests"
    retired = db.session.scalar(select(Category).filter_by(study_id=study.id, code="E9"))
    retired.active = False
    db.session.commit()
    categories = ensure_taxonomy(study)
    db.session.commit()
    assert len(categories) == 21 == len(_codes(study))
    assert db.session.get(Category, b1.id).label == "Results and tests"
    assert db.session.get(Category, retired.id).active is False


def test_taxonomies_are_per_study(ctx):
    one, two = make_study(taxonomy=False), make_study(taxonomy=False)
    ensure_taxonomy(one)
    ensure_taxonomy(two)
    db.session.commit()
    assert db.session.query(Category).count() == 42
