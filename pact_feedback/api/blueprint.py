"""JSON API v1: a participant's diary days and task entries, with bearer-token auth.

The blueprint and its hooks, registered here where they can be seen; each resource module
(`studies`, `days`, `entries`, `uptake`, `description`) adds its routes, and `routes` gathers
them for the factory. The rules are `diary.validation`'s, as on the web.
"""

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from pact_feedback.api import NAME, auth, errors
from pact_feedback.extensions import csrf, limiter

bp = Blueprint(NAME, __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are read here, so there is nothing to forge
bp.register_error_handler(errors.Problem, errors.problem_handler)
bp.register_error_handler(HTTPException, errors.http_error_handler)
bp.before_request(auth.authenticate)
bp.after_request(auth.commit_token_use)
limiter.request_filter(auth.counted_by_the_api)
