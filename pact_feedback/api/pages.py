"""The participant's "API access" page: create and revoke personal access tokens."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from pact_feedback.accounts.access import require
from pact_feedback.api.forms import ConfirmForm, TokenForm
from pact_feedback.api.models import ApiToken
from pact_feedback.api.tokens import create_token, revoke_token, tokens_for
from pact_feedback.core.render import form_page
from pact_feedback.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    new_secret = None
    if request.method == "POST" and form.validate_on_submit():
        _, new_secret = create_token(current_user, form.name.data.strip(), by=current_user)
        form = TokenForm(formdata=None)
    return form_page(
        "api/tokens.html",
        form,
        tokens=tokens_for(current_user),
        new_secret=new_secret,
        confirm=ConfirmForm(),
    )


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    require(token is not None and token.user_id == current_user.id, hide=True)
    if ConfirmForm().validate_on_submit():
        revoke_token(token, by=current_user)
        flash(
            f"Token “{token.name}” revoked. Apps using it can no longer reach your diary.",
            "success",
        )
    return redirect(url_for("api_tokens.index"))
