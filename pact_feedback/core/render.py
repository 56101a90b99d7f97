"""Rendering helpers shared by the views."""

from flask import render_template


def form_page(template: str, form, *, invalid: bool = False, **context):
    """Render a page holding `form`: 422 when the submitted form (or its file) has errors."""
    status = 422 if form.errors or invalid else 200
    return render_template(template, form=form, **context), status
