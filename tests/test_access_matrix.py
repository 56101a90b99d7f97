"""The access-control matrix: every route x method x role, including other people's objects.

A route added to the app without a row here fails `test_every_route_is_in_the_matrix`.
Statuses are what each role must get for a request with a valid CSRF token and an empty body.
"""

import importlib
import pkgutil
from types import SimpleNamespace

import pytest

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM
from tests import access_rows
from tests.access_rows import (
    DEAD_LINK,
    EVERYONE,
    OWN_PARTICIPATION_FORM,
    OWN_PARTICIPATION_PAGE,
    OWN_PRACTICE_FORM,
    OWN_PRACTICE_PAGE,
    ROLES,
    SIGNED_IN_ONLY,
    TEAM_FORM,
    TEAM_PAGE,
    row,
)
from tests.conftest import PASSWORD, csrf_token, login, make_practice, make_study, make_user

# endpoint -> {method: expected statuses by role}
MATRIX = {
    "home.index": {"GET": SIGNED_IN_ONLY},
    "core.health": {"GET": EVERYONE},
    "core.accessibility": {"GET": EVERYONE},
    "core.privacy": {"GET": EVERYONE},
    "accounts.login": {"GET": row(200, 302, 302, 302, 302), "POST": row(422, 302, 302, 302, 302)},
    "accounts.logout": {"POST": row(302, 302, 302, 302, 302)},
    "accounts.sign_out_everywhere": {"POST": row(302, 302, 302, 302, 302)},
    "accounts.forgot_password": {"GET": EVERYONE, "POST": row(422, 422, 422, 422, 422)},
    "accounts.reset_password": {"GET": DEAD_LINK, "POST": DEAD_LINK},
    "accounts.change_password": {"GET": SIGNED_IN_ONLY, "POST": row(302, 422, 422, 422, 422)},
    "accounts.accept_invitation": {"GET": DEAD_LINK, "POST": DEAD_LINK},
    "team.index": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "studies.index": {"GET": TEAM_PAGE},
    "studies.new": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "studies.detail": {"GET": TEAM_PAGE},
    "studies.enrol": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "studies.invite_lead": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "practices.index": {"GET": TEAM_PAGE},
    "practices.import_csv": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    "practice_lead.detail": {"GET": OWN_PRACTICE_PAGE},
    "practice_lead.invite_participant": {"GET": OWN_PRACTICE_PAGE, "POST": OWN_PRACTICE_FORM},
    "participation.consent": {"GET": OWN_PARTICIPATION_PAGE, "POST": OWN_PARTICIPATION_FORM},
    "participation.study": {"GET": OWN_PARTICIPATION_PAGE},
    "audit.index": {"GET": TEAM_PAGE},
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}

FEATURE_MODULES = [
    importlib.import_module(f"{access_rows.__name__}.{info.name}")
    for info in pkgutil.iter_modules(access_rows.__path__)
]
for _module in FEATURE_MODULES:
    _clash = set(MATRIX) & set(_module.ROWS)
    assert not _clash, f"{_module.__name__} repeats rows: {_clash}"
    MATRIX.update(_module.ROWS)


@pytest.fixture
def world(ctx):
    """Two practices in one study; a participant and a lead in the first, a lead in the second."""
    practice, other_practice = make_practice(), make_practice()
    study = make_study(practices=[practice, other_practice])
    users = {
        "participant": make_user(
            role=PARTICIPANT,
            practice=practice,
            study=study,
            consented=True,
            staff_role="gp_partner",
        ),
        "lead": make_user(role=PRACTICE_LEAD, practice=practice),
        "other_lead": make_user(role=PRACTICE_LEAD, practice=other_practice),
        "team": make_user(role=STUDY_TEAM),
    }
    values = {"slug": study.slug, "ods_code": practice.ods_code, "token": "not-a-real-token"}
    world = SimpleNamespace(
        users=users,
        values=values,
        study=study,
        practice=practice,
        other_practice=other_practice,
    )
    for module in FEATURE_MODULES:
        if hasattr(module, "extend_world"):
            module.extend_world(world)
    return users, values


def _url(app, endpoint, values):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{k: values[k] for k in rule.arguments})


def test_every_route_is_in_the_matrix(app):
    """Each route and method the app serves has a row; no row names a route that is gone."""
    served = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - IGNORED_METHODS
    }
    listed = {(endpoint, method) for endpoint, methods in MATRIX.items() for method in methods}
    assert served - listed == set(), "routes missing from the access matrix"
    assert listed - served == set(), "matrix rows for routes that no longer exist"


CASES = [
    (endpoint, method, role)
    for endpoint, methods in MATRIX.items()
    for method in methods
    for role in ROLES
]


@pytest.mark.parametrize(
    ("endpoint", "method", "role"), CASES, ids=[f"{e}-{m}-{r}" for e, m, r in CASES]
)
def test_access(app, client, world, endpoint, method, role):
    users, values = world
    if role != "anonymous":
        login(client, users[role], PASSWORD)
    url = _url(app, endpoint, values)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/" if role != "anonymous" else "/account/sign-in")
        response = client.open(url, method=method, data={"csrf_token": token})
    expected = MATRIX[endpoint][method][role]
    assert response.status_code == expected, f"{method} {url} as {role}"
