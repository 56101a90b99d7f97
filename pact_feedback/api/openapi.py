"""The OpenAPI 3.1 description of API v1, built from the field declarations in `schema.py`
(the same ones the request parser uses), so the document and the code cannot drift apart."""

from functools import cache

from pact_feedback.api import schema

_REF = "#/components/schemas/"


def _ref(name: str) -> dict:
    return {"$ref": _REF + name}


def _object(fields: dict, *, required=(), read_only: dict | None = None) -> dict:
    properties = {name: spec.schema() for name, spec in fields.items()}
    properties.update(read_only or {})
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def _nullable(type_: str, **extra) -> dict:
    return {"type": [type_, "null"], **extra}


_TIMESTAMP = {"type": "string", "format": "date-time"}

ENTRY = _object(
    {k: v for k, v in schema.ENTRY_INPUT.items()},
    required=[
        "id",
        "day_id",
        "client_id",
        "category",
        "category_label",
        "group",
        "minutes",
        "started_at",
        "ended_at",
        "item_count",
        "outside_hours",
        "interrupted",
        "could_be_done_by",
        "note",
        "created_at",
        "updated_at",
    ],
    read_only={
        "id": {"type": "integer"},
        "day_id": {"type": "integer"},
        "category_label": {"type": "string"},
        "group": {"type": "string", "enum": ["A", "B", "C", "D", "E"]},
        "minutes": {"type": "integer", "minimum": 1, "maximum": 720},
        "created_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
        "warnings": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Things worth checking that did not stop the save (overlaps)",
        },
    },
)

DAY = _object(
    {k: v for k, v in schema.DAY_INPUT.items() if k != "completed"},
    required=[
        "id",
        "study",
        "date",
        "staff_role",
        "scheduled_start",
        "scheduled_end",
        "sessions",
        "typical",
        "workload_rating",
        "completed",
        "completed_at",
        "total_minutes",
        "entry_count",
        "locked",
        "created_at",
        "updated_at",
    ],
    read_only={
        "id": {"type": "integer"},
        "study": {"type": "string", "description": "Study slug"},
        "completed": {"type": "boolean"},
        "completed_at": _nullable("string", format="date-time"),
        "total_minutes": {"type": "integer", "minimum": 0},
        "entry_count": {"type": "integer", "minimum": 0},
        "locked": {"type": "boolean", "description": "True once collection has closed"},
        "created_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
    },
)

STUDY = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "slug",
        "title",
        "status",
        "collection_start",
        "collection_end",
        "diary_days_required",
        "locked",
    ],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "string"},
        "collection_start": _nullable("string", format="date"),
        "collection_end": _nullable("string", format="date"),
        "diary_days_required": {"type": "integer", "minimum": 1},
        "locked": {"type": "boolean"},
    },
}

CATEGORY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "label", "description", "group", "active", "position"],
    "properties": {
        "code": {"type": "string"},
        "label": {"type": "string"},
        "description": {"type": "string"},
        "group": {"type": "string", "enum": ["A", "B", "C", "D", "E"]},
        "active": {"type": "boolean"},
        "position": {"type": "integer"},
    },
}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Messages by field name",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


_SHARE = {
    "type": "object",
    "required": ["n", "percent", "ci_low", "ci_high"],
    "properties": {
        "n": {"type": "integer"},
        "percent": {"type": ["number", "null"]},
        "ci_low": {"type": ["number", "null"]},
        "ci_high": {"type": ["number", "null"]},
    },
}
UPTAKE = {
    "type": "object",
    "required": ["study", "wave", "n_sent", "n_responded", "questions"],
    "properties": {
        "study": {"type": "string"},
        "wave": {"type": "integer"},
        "n_sent": {"type": "integer"},
        "n_responded": {"type": "integer"},
        "response_rate": {"type": ["number", "null"], "description": "Per cent, one decimal"},
        "response_rate_ci": {"type": "array", "items": {"type": ["number", "null"]}},
        "headlines": {
            "type": "object",
            "description": "The published sentence by headline question code",
            "additionalProperties": {"type": ["string", "null"]},
        },
        "questions": {
            "type": "object",
            "description": "By question code (every single-choice, 1-5 and several-answers "
            "question), then by answer code; percentages to one decimal",
            "additionalProperties": {"type": "object", "additionalProperties": _SHARE},
        },
        "breakdowns": {
            "type": "object",
            "description": "By question, breakdown and group: n_responded, withheld (fewer than "
            "3 practices, counts null) and answers {code: {n, percent}}",
        },
        "movement": {
            "type": "object",
            "description": "By question: from_wave and counts {previous answer: {answer: n}}",
        },
    },
}

_NUMBER_OR_NULL = {"type": ["number", "null"]}
AUDIT_TABLES = {
    "type": "object",
    "required": ["cases", "practices", "agreement", "tables"],
    "properties": {
        "cases": {"type": "integer"},
        "practices": {"type": "integer"},
        "agreement": {
            "type": "object",
            "description": "Second review: pairs, agreement, Cohen's kappa and its 95% interval",
            "properties": {
                "n": {"type": "integer"},
                "agreement": _NUMBER_OR_NULL,
                "kappa": _NUMBER_OR_NULL,
                "ci_low": _NUMBER_OR_NULL,
                "ci_high": _NUMBER_OR_NULL,
            },
        },
        "tables": {
            "type": "array",
            "description": "One row per breakdown (all, nation, requester...), group and answer: "
            "n of N cases, percent and Wilson 95% interval to one decimal",
            "items": {"type": "object"},
        },
    },
}


def _list_of(name: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref(name)}},
    }


def _json(schema_: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema_}}}


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


COMMON_ERRORS = {
    "400": _problem("The request is malformed, e.g. it holds a NUL character"),
    "401": _problem("No valid bearer token"),
    "404": _problem("Not found, or not yours"),
    "429": {
        **_problem("Too many requests: more than 600 a minute with one token"),
        "headers": {
            "Retry-After": {
                "description": "Seconds until the limit's window resets",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}
WRITE_ERRORS = {
    "400": _problem("The body is not a JSON object"),
    "403": _problem("Consent to the study not given yet"),
    "409": _problem("The diary is locked (collection closed), or a client_id reused"),
    "422": _problem("Validation failed: see errors by field"),
}


def _op(summary: str, responses: dict, *, body: dict | None = None, writes=False) -> dict:
    op = {"summary": summary, "responses": responses | COMMON_ERRORS}
    if writes:
        op["responses"] |= WRITE_ERRORS
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _param(name: str, type_: str = "integer") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": type_}}


@cache
def document() -> dict:
    day_create = _object(schema.DAY_INPUT, required=schema.DAY_REQUIRED_ON_CREATE)
    day_patch = _object(schema.DAY_INPUT)
    entry_create = _object(schema.ENTRY_INPUT, required=schema.ENTRY_REQUIRED_ON_CREATE)
    entry_patch = _object({k: v for k, v in schema.ENTRY_INPUT.items() if k != "client_id"})
    deleted = {"204": {"description": "Deleted"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PACT Feedback diary API",
            "version": "1.0.0",
            "description": (
                "A participant's workload diary, for phone and offline clients. Authenticate "
                "with a personal access token (Authorization: Bearer <token>) created on the "
                "API access page. Creating an entry is retry-safe: send your own UUID as "
                "client_id; the same request sent again answers 200 with the entry already "
                "made (header Idempotent-Replayed: true); the same client_id with a different "
                "body answers 409. Errors are application/problem+json (RFC 9457)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": PROBLEM,
                "Study": STUDY,
                "Category": CATEGORY,
                "Day": DAY,
                "DayCreate": day_create,
                "DayPatch": day_patch,
                "Entry": ENTRY,
                "EntryCreate": entry_create,
                "EntryPatch": entry_patch,
                "StudyList": _list_of("Study"),
                "CategoryList": _list_of("Category"),
                "DayList": _list_of("Day"),
                "EntryList": _list_of("Entry"),
                "Uptake": UPTAKE,
                "AuditTables": AUDIT_TABLES,
            },
        },
        "paths": {
            "/studies": {
                "get": _op(
                    "Studies you take part in (consented)",
                    {"200": _json(_ref("StudyList"), "Your studies")},
                )
            },
            "/studies/{slug}/categories": {
                "parameters": [_param("slug", "string")],
                "get": _op(
                    "The study's active task categories",
                    {"200": _json(_ref("CategoryList"), "Categories in order")}
                    | {"403": WRITE_ERRORS["403"]},
                ),
            },
            "/studies/{slug}/days": {
                "parameters": [_param("slug", "string")],
                "get": _op(
                    "Your diary days in the study",
                    {"200": _json(_ref("DayList"), "Your days")} | {"403": WRITE_ERRORS["403"]},
                ),
                "post": _op(
                    "Open a diary day",
                    {"201": _json(_ref("Day"), "Opened")},
                    body=_ref("DayCreate"),
                    writes=True,
                ),
            },
            "/days/{day_id}": {
                "parameters": [_param("day_id")],
                "get": _op("A diary day", {"200": _json(_ref("Day"), "The day")}),
                "patch": _op(
                    "Change a diary day, or mark it complete",
                    {"200": _json(_ref("Day"), "Changed")},
                    body=_ref("DayPatch"),
                    writes=True,
                ),
                "delete": _op("Delete a diary day and its entries", deleted, writes=True),
            },
            "/days/{day_id}/entries": {
                "parameters": [_param("day_id")],
                "get": _op("The day's task entries", {"200": _json(_ref("EntryList"), "Entries")}),
                "post": _op(
                    "Add a task entry (retry-safe on client_id)",
                    {
                        "201": _json(_ref("Entry"), "Created"),
                        "200": _json(_ref("Entry"), "A retry: the entry already made"),
                    },
                    body=_ref("EntryCreate"),
                    writes=True,
                ),
            },
            "/studies/{slug}/uptake": {
                "parameters": [
                    _param("slug", "string"),
                    {
                        "name": "wave",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "default": 1},
                    },
                ],
                "get": _op(
                    "Uptake survey figures for a wave (study-team tokens)",
                    {
                        "200": _json(
                            _ref("Uptake"),
                            "Denominators and each answer with its Wilson 95% interval",
                        )
                    },
                ),
            },
            "/studies/{slug}/audit/tables": {
                "parameters": [_param("slug", "string")],
                "get": _op(
                    "A record audit's national tables (study-team tokens)",
                    {
                        "200": _json(
                            _ref("AuditTables"),
                            "Every question overall, by nation, by "
                            "requester role, with Wilson 95% intervals",
                        )
                    },
                ),
            },
            "/entries/{entry_id}": {
                "parameters": [_param("entry_id")],
                "get": _op("A task entry", {"200": _json(_ref("Entry"), "The entry")}),
                "patch": _op(
                    "Change a task entry",
                    {"200": _json(_ref("Entry"), "Changed")},
                    body=_ref("EntryPatch"),
                    writes=True,
                ),
                "delete": _op("Delete a task entry", deleted, writes=True),
            },
        },
    }
