"""Schemathesis against the app's own OpenAPI document (`/api/v1/openapi.json`), in process over
WSGI: generated requests (valid and invalid) for every operation, with a valid bearer token and
without one. Every response must be below 500 and match the document (status code, content
type, body schema, headers).

`PACT_FUZZ_EXAMPLES` sets the number of generated cases per operation and token mode: 1,000 by
default, so `make test` and CI fuzz every operation with 1,000 cases with a token and 1,000
without (about 3.5 minutes on SQLite); `PACT_FUZZ_EXAMPLES=100` for a quick local pass.
Runs are reproducible (derandomised) unless `PACT_FUZZ_RANDOM=1` is set.

schemathesis's own pytest plugin (`from_fixture`) does not run under pytest 9, so the cases
come from its strategies through hypothesis directly: the same generation and checks.
"""

import json
import os
import uuid
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from pact_feedback import create_app
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.api.tokens import create_token
from pact_feedback.core.inputs import UnreadableInput, loads_json
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db, limiter
from tests.conftest import make_practice, make_study, make_user
from tests.diary.conftest import make_day

EXAMPLES = int(os.environ.get("PACT_FUZZ_EXAMPLES", "1000"))
DOCUMENT = "/api/v1/openapi.json"
# A request can match the schema yet break a rule the schema cannot say (a date outside the
# collection window, an end before its start, a locked diary): that is a documented 422 or 409
# with a problem body, so "schema-valid data must be accepted" does not hold for this API.
BUSINESS_RULES = [schemathesis.checks.positive_data_acceptance]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("PACT_FUZZ_RANDOM") is None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def _operation_labels() -> list[str]:
    """Every operation in the document, read from a throwaway app at collection time."""
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, create_app("testing"))
    return [result.ok().label for result in schema.get_all_operations()]


OPERATIONS = _operation_labels()


@pytest.fixture
def api_world(app):
    """A collecting study, a consented participant's day with two entries, and their token.
    Built in its own app context: the generated requests run in the app's own contexts."""
    with app.app_context():
        practice = make_practice()
        study = make_study(
            practices=[practice],
            status="collecting",
            collection_start=date.today() - timedelta(days=5),
            collection_end=date.today() + timedelta(days=10),
            slug="fuzz",
        )
        ensure_taxonomy(study)
        db.session.commit()
        me = make_user(
            role=PARTICIPANT,
            practice=practice,
            study=study,
            consented=True,
            staff_role="gp_partner",
        )
        day = make_day(me, study, practice, entries=[("B1", 10), ("A1", 5)])
        for entry in day.entries:  # the factory's short ids are not the UUIDs clients send
            entry.client_id = str(uuid.uuid4())
        db.session.commit()
        _, secret = create_token(me, "fuzzing", by=me)
        real_ids = {"slug": study.slug, "day_id": day.id, "entry_id": day.entries[0].id}
        db.session.remove()
    return {"Authorization": f"Bearer {secret}"}, real_ids


def _cases(app, label, real_ids):
    """Valid and invalid requests; half of the valid ones name the participant's real objects,
    so the handlers behind the 404 are fuzzed too."""
    method, path = label.split(" ", 1)
    operation = schemathesis.openapi.from_wsgi(DOCUMENT, app)[path][method]
    names = {p.name for p in operation.path_parameters}
    real = {name: real_ids[name] for name in names}
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    return st.one_of(strategies)


def _routable(path_parameters: dict) -> bool:
    """Whether Flask's URL rules match these values (`<int:...>` ids, a slug without a slash)."""
    for name, value in path_parameters.items():
        text = str(value)
        if name.endswith("_id") and not (text.isascii() and text.isdigit()):
            return False
        if name == "slug" and (not text or "/" in text):
            return False
    return True


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


def _edge_refuses(body) -> bool:
    """Whether core.security refuses this body before authentication (core.inputs.loads_json)."""
    if isinstance(body, bytes):  # sent as it is
        raw = body
    elif isinstance(body, dict | list | str | int | float | bool):  # sent as JSON
        raw = json.dumps(body).encode()
    else:
        return False  # no body
    try:
        loads_json(raw)
    except UnreadableInput:
        return bool(raw)
    return False


def _refusals_without_a_token(case) -> set[int]:
    """What a request with no valid token may get: 401, unless it is refused before anyone
    asks who sent it — U+0000 anywhere is a 400 for every request (PostgreSQL cannot store
    it), and an id that is not a number matches no route at all (404). Generated U+0000 is not
    always sent (a query name with no values is dropped), so 401 stays possible then."""
    if _holds_nul([case.body, case.query, case.path_parameters]):
        return {400, 401, 404}
    if _edge_refuses(case.body):  # not JSON, nested too deep, a lone surrogate: before anything
        return {400}
    if not _routable(case.path_parameters or {}):
        return {401, 404}
    return {401}


@pytest.mark.parametrize("label", OPERATIONS)
def test_with_a_valid_token(app, api_world, label):
    headers, real_ids = api_world
    statuses = []

    @FUZZ_SETTINGS
    @given(case=_cases(app, label, real_ids))
    def run(case):
        limiter.reset()  # the documented 429 after 600 a minute is not what this run tests
        response = case.call_and_validate(headers=headers, excluded_checks=BUSINESS_RULES)
        statuses.append(response.status_code)

    run()
    assert len(statuses) >= EXAMPLES, "fewer cases than asked for: the strategy ran dry"
    assert max(statuses) < 500
    assert set(statuses) - {401} != set(), "the token was never accepted"


@pytest.mark.parametrize("label", OPERATIONS)
def test_without_a_token(app, api_world, label):
    _, real_ids = api_world
    sent = []

    @FUZZ_SETTINGS
    @given(case=_cases(app, label, real_ids))
    def run(case):
        limiter.reset()
        response = case.call_and_validate(
            headers={"Authorization": "Bearer not-a-token"}, excluded_checks=BUSINESS_RULES
        )
        assert response.status_code in _refusals_without_a_token(case), case
        sent.append(case)

    run()
    assert len(sent) >= EXAMPLES, "fewer cases than asked for: the strategy ran dry"
