"""Rendering helpers shared by the views."""

from flask import render_template


def form_page(template: str, form, **context):
    """Render a page holding `form`: 422 when the submitted form has errors, else 200."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status
