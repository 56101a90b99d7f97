"""Words for audit rows: the study an event is about by name, and what an event without a
subject was about (an export's wave, format and rows), so the log reads without a database."""

from sqlalchemy import select

from pact_feedback.extensions import db

_SKIP = {"path", "method", "hidden"}


def study_names(events) -> dict[str, str]:
    """{study id as text: "Title (round n)"} for events whose object is a study."""
    from pact_feedback.studies.models import Study

    ids = {int(e.object_id) for e in events if e.object_type == "Study" and e.object_id}
    if not ids:
        return {}
    studies = db.session.scalars(select(Study).where(Study.id.in_(ids)))
    return {str(s.id): s.display_name for s in studies}


def about(event) -> str:
    """The subject, or else a short summary of the event's details."""
    if event.subject:
        return event.subject
    parts = []
    for key, value in (event.details or {}).items():
        if key in _SKIP or value in (None, "", [], {}):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        parts.append(f"{key.replace('_', ' ')}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= 160 else text[:157] + "…"
