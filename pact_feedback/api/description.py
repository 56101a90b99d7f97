"""The OpenAPI 3.1 description and its human-readable page (public)."""

from flask import jsonify, render_template

from pact_feedback.api.blueprint import bp
from pact_feedback.api.openapi import document


@bp.get("/openapi.json")
def openapi():

    return jsonify(document())


@bp.get("/docs")
def docs():

    return render_template("api/api_docs.html", doc=document())
