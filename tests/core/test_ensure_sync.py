"""PactFlask remembers that a hook or view is a plain function instead of asking on every
request; the answers are Flask's own."""

import flask.app
import pytest


def test_plain_functions_are_asked_about_once_and_returned_as_they_are(app, monkeypatch):
    asked = []
    real = flask.app.iscoroutinefunction

    def counting(func):
        asked.append(func)
        return real(func)

    monkeypatch.setattr(flask.app, "iscoroutinefunction", counting)

    def hook():
        return None

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(hook) is hook
    assert asked == [hook]


def test_coroutine_functions_still_go_through_flask(app):
    async def view():
        return "ok"

    try:
        import asgiref  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="async"):
            app.ensure_sync(view)
    else:
        assert app.ensure_sync(view) is not view
