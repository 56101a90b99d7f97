"""Forms of the API access page."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ConfirmForm(FlaskForm):
    """A POST with only a CSRF token: revoke."""


class TokenForm(FlaskForm):
    name = StringField(
        "What will you use this token for?",
        description="For example 'My phone'",
        validators=[
            DataRequired("Enter a name for the token"),  # not only spaces: it is stripped
            Length(max=100, message="Keep the name under 100 characters"),
        ],
    )
