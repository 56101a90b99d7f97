"""Flask-Limiter, without its per-request work for a request it exempts."""

import flask_limiter


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
