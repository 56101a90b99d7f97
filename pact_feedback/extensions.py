"""Flask extensions, created unbound here and bound to the app in `create_app`; Flask-Limiter
and Flask-Talisman with less work a request (below), answering as they do."""

import flask_limiter
import flask_talisman
from flask import request
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them on every backend, SQLite included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, returning at once from its before_request for a request one of its
    request filters exempts (the JSON API, which counts its own requests, `api.auth`).
    Flask-Limiter would resolve the route's limits, find none and record none: ~3% of a diary
    API write's instructions. Meta limits, which count exempt requests too, keep its path."""

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        exempt = in_middleware and not self._meta_limits
        if exempt and any(check() for check in self._request_filters):
            return
        super()._check_request_limit(callable_name, in_middleware)


class Talisman(flask_talisman.Talisman):
    """Flask-Talisman, joining the CSP's text once rather than for every answer (~2% of an API
    write's instructions); each answer's nonce is put in the same places, so the header is the
    one Talisman builds. A policy it was not built from (a view's own) goes to Talisman."""

    _csp_built_from = None  # (the policy, the sections with a nonce) the text was built from
    _csp_pieces: list[str] = []  # the text, cut where each nonce goes

    def _parse_policy(self, policy):
        if policy is not self.content_security_policy or isinstance(policy, str):
            return super()._parse_policy(policy)
        nonce_in = self._get_local_options()["content_security_policy_nonce_in"]
        if self._csp_built_from != (id(policy), nonce_in):
            self._csp_pieces = _policy_pieces(policy, nonce_in)
            self._csp_built_from = (id(policy), nonce_in)
        if not hasattr(request, "csp_nonce"):
            return "".join(self._csp_pieces)
        return f" 'nonce-{request.csp_nonce}'".join(self._csp_pieces)


def _policy_pieces(policy: dict, nonce_in) -> list[str]:
    """Talisman's policy text, cut after each section that carries a nonce."""
    pieces, text = [], []
    for section, content in policy.items():
        text.append(f"{section} {content if isinstance(content, str) else ' '.join(content)}")
        if section in nonce_in:
            pieces.append("; ".join(text))
            text = [""]
    pieces.append("; ".join(text))
    return pieces


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()
