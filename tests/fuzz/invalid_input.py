"""Invalid values for a form's fields, derived from what each field declares: its type (a number,
a date, a choice) and its validators (required, a length, a range, an email address...).

`invalid_inputs(form, valid)` returns one `Invalid` per (field, reason), each with a hypothesis
strategy of raw submitted values that the field must refuse. `MISSING` means "leave the field out
of the submission". Validators this module cannot read (a plain function, a project class it does
not know) are listed by `unread_validators(form)`, so a table of hand-written examples can cover
them; the guards in test_form_validators.py fail when neither does.
"""

import math
import string
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_wtf.file import FileField, FileRequired
from hypothesis import strategies as st
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms import validators as v

from pact_feedback.accounts.forms import StrongEnough
from pact_feedback.qi.forms import NumberField

MISSING = "<missing>"  # sentinel: the field is left out of the submission
# Any Unicode a browser can send (no lone surrogates), controls and quotes included.
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
BLANK = st.sampled_from(["", " ", "\t", "\n  "])
# Long text made of letters and inner spaces, so whitespace filters cannot shorten it.
LONG_ALPHABET = string.ascii_letters + " "


@dataclass(frozen=True)
class Invalid:
    field: str
    why: str
    values: st.SearchStrategy


def _filled(text: str) -> bool:
    return bool(text.strip())


def _fails(parse):
    """True for a text that `parse` cannot read."""

    def check(text):
        try:
            parse(text)
        except (ValueError, TypeError, ArithmeticError):
            return True
        return False

    return check


def _not_a_float(text):
    number = float(text.strip().replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(text)


def _not_when(field):
    """Text that none of a date or time field's formats reads."""

    def parse(text):
        for fmt in field.strptime_format:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise ValueError(text)

    return parse


PLAUSIBLE_BAD_DATES = ["2026-02-30", "2026-13-01", "14/03/2026", "tomorrow", "2026-3", "0-0-0"]
PLAUSIBLE_BAD_TIMES = ["25:00", "12:60", "9.30", "noon", "-1:00", "1230"]
PLAUSIBLE_BAD_NUMBERS = ["twelve", "1e999", "nan", "inf", "--1", "1.2.3", "0x10"]


def choice_values(field) -> list:
    return [choice[0] for choice in field.iter_choices()]


def is_choice(field, raw: str) -> bool:
    """Whether `raw`, read the way the field reads it, is one of its choices."""
    try:
        value = field.coerce(raw)
        return value in {field.coerce(c) for c in choice_values(field)}
    except (ValueError, TypeError):
        return False


def has_validator(field, kind) -> bool:
    return any(isinstance(validator, kind) for validator in field.validators)


def outside_choices(field) -> st.SearchStrategy:
    values = st.one_of(TEXT, st.integers().map(str)).filter(lambda s: not is_choice(field, s))
    if has_validator(field, v.Optional):
        values = values.filter(_filled)  # a blank optional answer is "not answered"
    return values


def _type_invalid(field) -> list[tuple[str, st.SearchStrategy]]:
    """Values the field's type cannot read (filled in, so an Optional() cannot wave them by)."""
    if isinstance(field, IntegerField):
        found = [("not a whole number", TEXT.filter(_filled).filter(_fails(int)))]
        if not has_validator(field, v.NumberRange):
            # Without a declared range, the form's own rules must still keep the number inside
            # what the database stores (a 32-bit integer column on PostgreSQL).
            huge = st.one_of(st.integers(min_value=2**31), st.integers(max_value=-(2**31) - 1))
            found.append(("beyond a database integer", huge.map(str)))
        return found
    if isinstance(field, (FloatField, DecimalField)):
        return [("not a number", TEXT.filter(_filled).filter(_fails(float)))]
    if isinstance(field, NumberField):
        plausible = st.sampled_from(PLAUSIBLE_BAD_NUMBERS)
        return [
            (
                "not a number",
                st.one_of(plausible, TEXT.filter(_filled)).filter(_fails(_not_a_float)),
            )
        ]
    if isinstance(field, (DateField, TimeField)):
        plausible = PLAUSIBLE_BAD_DATES if isinstance(field, DateField) else PLAUSIBLE_BAD_TIMES
        texts = st.one_of(st.sampled_from(plausible), TEXT.filter(_filled))
        return [("not a date or time", texts.filter(_fails(_not_when(field))))]
    return []


def _choice_invalid(field, rule_checked: frozenset) -> list[tuple[str, st.SearchStrategy]]:
    if not isinstance(field, (SelectField, RadioField, SelectMultipleField)):
        return []
    if not field.validate_choice and field.name not in rule_checked:
        return []  # the form table says why (see `unchecked_choices`)
    outside = outside_choices(field)
    if isinstance(field, SelectMultipleField):
        return [("a choice that is not offered", st.lists(outside, min_size=1, max_size=3))]
    return [("a choice that is not offered", outside)]


def _validator_invalid(form, field, validator, valid, prefilled):
    """(reason, strategy) for one validator; None when it refuses nothing by itself."""
    if isinstance(validator, (v.DataRequired, v.InputRequired, FileRequired)):
        # A field left out keeps its default or saved value (WTForms' behaviour), so leaving it
        # out is invalid only where nothing fills it, or where the raw input itself is required.
        kept = prefilled or field.default not in (None, "", ())
        may_leave_out = isinstance(validator, v.InputRequired) or not kept
        if isinstance(field, BooleanField):
            unticked = [value for value in field.false_values if isinstance(value, str)]
            return "left unticked", st.sampled_from([MISSING, *unticked])
        if isinstance(field, (FileField, SelectMultipleField, RadioField)):
            # Radio buttons and files left unchosen are simply absent.
            return ("not chosen", st.just(MISSING)) if may_leave_out else None
        # Only spaces count as blank for InputRequired too: the views strip text before saving.
        return "left blank", st.one_of(st.just(MISSING), BLANK) if may_leave_out else BLANK
    if isinstance(validator, v.Length) and validator.max != -1:
        n = validator.max
        longer = st.text(LONG_ALPHABET, min_size=max(n - 1, 0), max_size=n + 30)
        return f"longer than {n}", longer.map(lambda s: f"x{s}x")
    if isinstance(validator, v.Length):
        n = validator.min
        return f"shorter than {n}", st.text(string.ascii_letters, min_size=1, max_size=n - 1)
    if isinstance(validator, v.NumberRange):
        low, high = validator.min, validator.max
        numbers = st.integers() if isinstance(field, IntegerField) else st.floats(allow_nan=False)
        return "out of range", numbers.filter(
            lambda x: (low is not None and x < low) or (high is not None and x > high)
        ).map(str)
    if isinstance(validator, v.Email):
        return "no @", TEXT.filter(_filled).filter(lambda s: "@" not in s)
    if isinstance(validator, v.EqualTo):
        other = valid[validator.fieldname]
        return f"differs from {validator.fieldname}", st.text(string.ascii_letters, min_size=1).map(
            lambda s: other + s
        )
    if isinstance(validator, v.AnyOf):
        return "not one of the values", TEXT.filter(_filled).filter(
            lambda s: s.strip() not in validator.values
        )
    if isinstance(validator, v.Regexp):
        return "does not match", TEXT.filter(lambda s: not validator.regex.match(s))
    if isinstance(validator, StrongEnough):
        shortest = current_app.config["PASSWORD_MIN_LENGTH"]
        return "too short", st.text(string.ascii_letters, min_size=1, max_size=shortest - 1)
    return None


READ_VALIDATORS = (
    v.DataRequired,
    v.InputRequired,
    v.Optional,
    v.Length,
    v.NumberRange,
    v.Email,
    v.EqualTo,
    v.AnyOf,
    v.Regexp,
    FileRequired,
    StrongEnough,
)


def fields_of(form):
    return [field for field in form if field.name != "csrf_token"]


def unread_validators(form) -> list[tuple[str, object]]:
    """(field name, validator) for validators this module cannot turn into invalid values."""
    return [
        (field.name, validator)
        for field in fields_of(form)
        for validator in field.validators
        if not isinstance(validator, READ_VALIDATORS)
    ]


def invalid_inputs(
    form, valid: dict, *, rule_checked=frozenset(), prefilled=False
) -> list[Invalid]:
    """Every (field, reason) with its strategy of values the field must refuse.

    `rule_checked`: choice fields whose choices a rule outside WTForms checks (validate_choice
    is off). `prefilled`: the form starts from saved values, so a field left out keeps its value
    (WTForms' behaviour) and only a blank one is invalid.
    """
    found = []
    for field in fields_of(form):
        reasons = _type_invalid(field) + _choice_invalid(field, rule_checked)
        for validator in field.validators:
            derived = _validator_invalid(form, field, validator, valid, prefilled)
            if derived:
                reasons.append(derived)
        found += [Invalid(field.name, why, values) for why, values in reasons]
    return found


def with_value(valid: dict, name: str, value) -> dict:
    """`valid` with one field replaced (or left out, for MISSING)."""
    data = {k: val for k, val in valid.items() if k != name}
    if value != MISSING:
        data[name] = value
    return data
