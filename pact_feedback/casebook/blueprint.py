"""The casebook blueprint. Route modules (`views`, `team_views`) add to it; `casebook.routes`
gathers them for the factory."""

from flask import Blueprint

bp = Blueprint("casebook", __name__)
