"""Account forms. Password rules live in one validator shared by every form that sets one."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from pact_feedback.core.text import strip_whitespace


class StrongEnough:
    """At least PASSWORD_MIN_LENGTH characters and not just the email address."""

    def __call__(self, form, field):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(field.data or "") < minimum:
            raise ValidationError(f"Password must be at least {minimum} characters long")
        email = getattr(form, "email_for_check", "") or ""
        if email and field.data.strip().lower() == email.lower():
            raise ValidationError("Password must not be your email address")


def _new_password_fields():
    return (
        PasswordField(
            "New password",
            validators=[DataRequired("Enter a new password"), StrongEnough()],
            description="At least 10 characters. A few unrelated words make a good password.",
        ),
        PasswordField(
            "Confirm new password",
            validators=[
                DataRequired("Confirm your new password"),
                EqualTo("password", "The passwords do not match"),
            ],
        ),
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Email("Enter a valid email address")],
        filters=[strip_whitespace],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
    keep_signed_in = BooleanField(
        "Keep me signed in to my diary on this device",
        description=(
            "For your own phone or computer only. Your diary stays open for 14 days; other pages "
            "still ask for your password after 30 minutes without use."
        ),
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Email("Enter a valid email address")],
        filters=[strip_whitespace],
    )


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    password, confirm = _new_password_fields()


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name"), Length(max=200, message="Name is too long")],
    )
    password, confirm = _new_password_fields()


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change state."""


class TeamInviteForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter an email address"), Email("Enter a valid email address")],
        filters=[strip_whitespace],
    )
    study = SelectField(
        "Which studies?",
        description="A member for every study can also set up studies and import practices.",
        validate_choice=True,
    )
