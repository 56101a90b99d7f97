"""Sign-in, sign-out, password reset and change, and accepting invitations."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from pact_feedback.accounts import actions
from pact_feedback.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from pact_feedback.accounts.passwords import verify_password
from pact_feedback.accounts.sessions import start_session
from pact_feedback.core.render import form_page
from pact_feedback.core.urls import safe_next_url
from pact_feedback.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            actions.sign_in(form.email.data, form.password.data, keep=form.keep_signed_in.data)
        except actions.SignInRefused as refusal:
            form.password.errors.append(str(refusal))
        else:
            return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
    return form_page("accounts/login.html", form)


@bp.route("/sign-out", methods=["POST"])
@login_required
def logout():
    actions.sign_out(current_user._get_current_object())
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    actions.sign_out_everywhere(current_user._get_current_object())
    flash("You have signed out on every device, this one included.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        actions.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return form_page("accounts/forgot_password.html", form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def reset_password(token):
    user = actions.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/link_invalid.html", what="password reset link"), 410
    form = ResetPasswordForm()
    form.email_for_check = user.email
    if form.validate_on_submit():
        revoked = actions.set_password(user, form.password.data, by=user, reason="reset")
        flash(
            "Your password has been reset. Sign in with your new password. "
            + password_changed_message(revoked, signed_in=False),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return form_page("accounts/reset_password.html", form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.email_for_check = current_user.email
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            revoked = actions.change_password(
                current_user._get_current_object(), form.password.data
            )
            flash(password_changed_message(revoked), "success")
            return redirect(url_for("home.index"))
    return form_page("accounts/change_password.html", form)


def password_changed_message(revoked: int, *, signed_in: bool = True) -> str:
    """What a new password ended: sessions always, and API access tokens if there were any."""
    if signed_in:
        said = "Your password has been changed. Other devices have been signed out."
    else:
        said = "Every device that was signed in has been signed out."
    if revoked == 1:
        said += " Your API access token was revoked: create a new one for your app."
    elif revoked:
        said += f" Your {revoked} API access tokens were revoked: create new ones for your apps."
    return said


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def accept_invitation(token):
    invitation = actions.open_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", what="invitation link"), 410
    existing = actions.user_by_email(invitation.email)
    if existing is not None and existing.password_hash:
        return _accept_for_existing_account(invitation, existing)
    form = AcceptInvitationForm(name=invitation.name or None)
    form.email_for_check = invitation.email
    if form.validate_on_submit():
        user = actions.accept_invitation(
            invitation, name=form.name.data, password=form.password.data
        )
        start_session(user)
        login_user(user)
        db.session.commit()
        flash("Welcome to PACT Feedback. Your account is ready.", "success")
        return redirect(url_for("home.index"))
    return form_page("accounts/accept_invitation.html", form, invitation=invitation)


def _accept_for_existing_account(invitation, user):
    """Someone who already has an account adds the new role after signing in as themselves."""
    if not current_user.is_authenticated:
        flash("You already have an account. Sign in to accept this invitation.", "info")
        return redirect(url_for("accounts.login", next=request.path))
    if current_user.id != user.id:
        return render_template(
            "accounts/link_invalid.html", what="invitation link", other=True
        ), 403
    form = ConfirmForm()
    if form.validate_on_submit():
        actions.accept_invitation(invitation, name=user.name, password=None)
        flash("Invitation accepted.", "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/accept_existing.html", form=form, invitation=invitation)
