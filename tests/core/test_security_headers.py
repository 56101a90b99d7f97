"""Talisman's CSP text joined once (core.security.Talisman) is the text Flask-Talisman joins for
each request."""

import flask_talisman
import pytest
from flask import Flask, request

from pact_feedback.core.security import CSP
from pact_feedback.extensions import Talisman


@pytest.mark.parametrize(
    "nonce_in", [["script-src"], [], ["default-src", "style-src", "frame-ancestors"]]
)
def test_the_policy_text_is_flask_talismans_own(nonce_in):
    """With a nonce in any sections, or none, is the CSP text the one Flask-Talisman joins?"""
    bare = Flask(__name__)
    headers = Talisman(bare, content_security_policy=CSP, content_security_policy_nonce_in=nonce_in)

    with bare.test_request_context("/"):
        request.csp_nonce = "n0nce"
        kept = headers._parse_policy(CSP)
        built = flask_talisman.Talisman._parse_policy(headers, CSP)

    assert kept == built
    assert kept.count("'nonce-n0nce'") == len(nonce_in)
