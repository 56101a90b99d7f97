"""Hypothesis on every Flask-WTF form class, without a request to a view: for each field, values
its declared validators and type must refuse (tests/fuzz/invalid_input.py) replace one field of a
valid submission, and the form must refuse it with a message beside that field. The valid
submission passes (a control), and every custom rule has a hand-written invalid example
(tests/fuzz/form_table.py).

A form class added without an entry in the table fails `test_every_form_class_is_in_the_table`.
`PACT_FORM_EXAMPLES` (default 30) sets hypothesis examples per field and reason.
"""

import io
import os

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from wtforms.validators import AnyOf

from pact_feedback import create_app
from tests.fuzz.form_table import FORM_CLASSES, FORMS, Upload
from tests.fuzz.invalid_input import (
    fields_of,
    has_validator,
    invalid_inputs,
    unread_validators,
    with_value,
)

VALIDATOR_SETTINGS = settings(
    max_examples=int(os.environ.get("PACT_FORM_EXAMPLES", "30")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def form_app():
    """An app for request contexts only: the forms never reach a database here."""
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")


def request_data(payload: dict) -> dict:
    """Form fields as the test client takes them (a fresh stream for each upload)."""
    return {
        name: (io.BytesIO(value.content), value.filename) if isinstance(value, Upload) else value
        for name, value in payload.items()
    }


def submit(app, name: str, payload: dict):
    """(form, accepted) for `payload` posted to form class `name`, built as its view builds it."""
    spec = FORMS[name]
    with app.test_request_context(method="POST", data=request_data(payload)):
        form = spec.build(FORM_CLASSES[name])
        return form, spec.passes(form)


def _refusal_messages(form, field_name) -> list[str]:
    return [*form[field_name].errors, *form.form_errors]


def test_every_form_class_is_in_the_table():
    missing = sorted(set(FORM_CLASSES) - set(FORMS))
    assert not missing, (
        "form classes without an entry in tests/fuzz/form_table.py FORMS: add "
        "FormSpec(valid={...}) for each (a submission that passes, how the view builds the "
        f"form, and an invalid example for each custom rule): {missing}"
    )
    gone = sorted(set(FORMS) - set(FORM_CLASSES))
    assert not gone, f"FORMS entries for form classes that no longer exist: {gone}"


def _custom_rules(cls) -> set[str]:
    """Field names of `validate_<field>` methods, and "validate"/"check" when overridden."""
    names = {
        attr.removeprefix("validate_")
        for attr in dir(cls)
        if attr.startswith("validate_") and attr != "validate_on_submit"
    }
    if cls.validate is not FlaskForm.validate:
        names.add("validate")
    if hasattr(cls, "check"):
        names.add("check")
    return names


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_rule_has_invalid_values(form_app, name):
    """Each validator is read by invalid_input.py or covered by an example; each choice field
    is checked or says why not; a form with nothing to refuse says why."""
    spec, cls = FORMS[name], FORM_CLASSES[name]
    with form_app.test_request_context(method="POST"):
        form = spec.build(cls)
        derived = invalid_inputs(form, spec.valid, rule_checked=spec.rule_checked)
        unread = unread_validators(form)
        unchecked_choice_fields = {
            f.name
            for f in fields_of(form)
            if hasattr(f, "validate_choice")
            and not f.validate_choice
            and f.name not in spec.rule_checked
            and not has_validator(f, AnyOf)
        }
    example_fields = {rule.field for rule in spec.rules}
    uncovered = [(field, v) for field, v in unread if field not in example_fields]
    assert not uncovered, (
        f"{name}: validators tests/fuzz/invalid_input.py cannot read, with no Rule example for "
        f"their field in FORMS: {uncovered}. Teach invalid_input.py the validator or add a Rule."
    )
    custom = _custom_rules(cls) - {"validate", "check"}
    assert custom <= example_fields, (
        f"{name}: validate_<field> methods without a Rule example: {custom - example_fields}"
    )
    if _custom_rules(cls) & {"validate", "check"}:
        assert spec.rules, f"{name} overrides validate/check: add Rule examples for its rules"
    unexplained = unchecked_choice_fields - set(spec.unchecked_choices)
    assert not unexplained, (
        f"{name}: choice fields with validate_choice=False: put them in rule_checked (the "
        f"form's rules refuse other values) or say why in unchecked_choices: {unexplained}"
    )
    if not derived and not spec.rules:
        assert spec.nothing_to_refuse, (
            f"{name} refuses nothing: say why in nothing_to_refuse (or add its rules)"
        )


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_valid_submission_passes(form_app, name):
    """Control: the table's valid submission passes, so the refusals below are about the field
    that was changed, not a form that refuses everything."""
    form, accepted = submit(form_app, name, FORMS[name].valid)
    assert accepted, (name, form.errors)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_invalid_values_are_refused_with_a_message(form_app, name):
    spec = FORMS[name]
    with form_app.test_request_context(method="POST"):
        form = spec.build(FORM_CLASSES[name])
        invalids = invalid_inputs(form, spec.valid, rule_checked=spec.rule_checked)

    for invalid in invalids:
        _assert_refused(form_app, name, invalid)


def _assert_refused(app, name, invalid):
    """Hypothesis over one field's invalid values: refused, with a message beside the field."""

    @VALIDATOR_SETTINGS
    @given(value=invalid.values)
    def run(value):
        payload = with_value(FORMS[name].valid, invalid.field, value)
        form, accepted = submit(app, name, payload)
        assert not accepted, (name, invalid.field, invalid.why, value)
        assert _refusal_messages(form, invalid.field), (name, invalid, value, form.errors)

    run()


@pytest.mark.parametrize(
    ("name", "rule"),
    [(name, rule) for name, spec in sorted(FORMS.items()) for rule in spec.rules],
    ids=lambda x: x if isinstance(x, str) else x.field,
)
def test_custom_rules_refuse_their_examples(form_app, name, rule):
    form, accepted = submit(form_app, name, {**FORMS[name].valid, **rule.changes})
    assert not accepted, (name, rule)
    messages = _refusal_messages(form, rule.field)
    assert any(rule.message in m for m in messages), (name, rule, form.errors)
