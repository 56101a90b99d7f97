"""Representations: rows as the JSON the OpenAPI description promises."""

from pact_feedback.api import schema
from pact_feedback.diary import queries
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry


def study_json(study) -> dict:
    return {
        "slug": study.slug,
        "title": study.title,
        "status": study.status,
        "collection_start": schema.iso(study.collection_start),
        "collection_end": schema.iso(study.collection_end),
        "diary_days_required": study.diary_days_required,
        "locked": queries.day_locked(study) is not None,
    }


def category_json(category: Category) -> dict:
    return {
        "code": category.code,
        "label": category.label,
        "description": category.description,
        "group": category.group,
        "active": category.active,
        "position": category.position,
    }


def day_json(day: DiaryDay) -> dict:
    figures = queries.day_figures(day)
    return {
        "id": day.id,
        "study": day.study.slug,
        "date": schema.iso(day.date),
        "staff_role": day.staff_role,
        "scheduled_start": schema.hhmm(day.scheduled_start),
        "scheduled_end": schema.hhmm(day.scheduled_end),
        "sessions": day.sessions,
        "typical": day.typical,
        "workload_rating": day.workload_rating,
        "completed": day.completed_at is not None,
        "completed_at": schema.iso(day.completed_at),
        "total_minutes": figures["total"],
        "entry_count": len(day.entries),
        "locked": queries.day_locked(day.study) is not None,
        "created_at": schema.iso(day.created_at),
        "updated_at": schema.iso(day.updated_at),
    }


def entry_json(entry: TaskEntry, warnings=None) -> dict:
    body = {
        "id": entry.id,
        "day_id": entry.day_id,
        "client_id": entry.client_id,
        "category": entry.category.code,
        "category_label": entry.category.label,
        "group": entry.category.group,
        "minutes": entry.minutes,
        "started_at": schema.hhmm(entry.started_at),
        "ended_at": schema.hhmm(entry.ended_at),
        "item_count": entry.item_count,
        "outside_hours": entry.outside_hours,
        "interrupted": entry.interrupted,
        "could_be_done_by": entry.could_be_done_by,
        "note": entry.note,
        "created_at": schema.iso(entry.created_at),
        "updated_at": schema.iso(entry.updated_at),
    }
    if warnings is not None:
        body["warnings"] = warnings
    return body
