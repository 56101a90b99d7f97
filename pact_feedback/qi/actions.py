"""QI writes: each validates, writes, records an audit event and commits in one transaction."""

from sqlalchemy import select

from pact_feedback.audit.log import record, record_read
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.qi.models import PDSACycle, QIMeasure, QIMeasureValue, QIProject
from pact_feedback.qi.pdsa import stage_errors

PROJECT_FIELDS = (
    "title",
    "aim_what",
    "aim_how_much",
    "aim_by_when",
    "status",
    "change_ideas",
    "team_members",
    "reflection",
    "evidence_tags",
)
MEASURE_FIELDS = ("kind", "name", "definition", "data_source", "frequency", "unit")
CYCLE_FIELDS = (
    "number",
    "start_on",
    "end_on",
    "objective",
    "purpose",
    "questions",
    "prediction",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "do_notes",
    "study_notes",
    "act",
    "next_steps",
)


class QIError(Exception):
    """A QI action was refused; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _touch(project: QIProject) -> None:
    """A new value, measure or cycle counts as a change to the project (lists sort by it)."""
    project.updated_at = utcnow()


def _pick(fields: dict, names) -> dict:
    return {name: fields[name] for name in names if name in fields}


def create_project(
    *,
    by,
    fields: dict,
    practice=None,
    owner=None,
    report=None,
    finding=None,
    measures=(),
    cycle: dict | None = None,
) -> QIProject:
    """A practice project (`practice`) or a private one (`owner`), with any suggested measures
    and first cycle copied in, and the report finding it started from."""
    if (practice is None) == (owner is None):
        raise ValueError("a project belongs to a practice or to one person")
    project = QIProject(
        practice_id=getattr(practice, "id", None),
        owner_id=getattr(owner, "id", None),
        created_by_id=by.id,
        report_id=getattr(report, "id", None),
        **_pick(fields, PROJECT_FIELDS),
        **(finding.stored_fields() if finding else {}),
    )
    project.measures = [QIMeasure(**_pick(m, MEASURE_FIELDS)) for m in measures]
    if cycle:
        project.cycles = [PDSACycle(number=1, **_pick(cycle, CYCLE_FIELDS))]
    db.session.add(project)
    db.session.flush()
    record(
        "qi_project_created",
        by=by,
        obj=project,
        private=project.is_private,
        report_id=project.report_id,
        category=project.finding_category,
        measures=len(project.measures),
    )
    commit()
    return project


def update_project(project: QIProject, *, by, fields: dict) -> QIProject:
    changed = sorted(
        name
        for name, value in _pick(fields, PROJECT_FIELDS).items()
        if getattr(project, name) != value
    )
    for name in changed:
        setattr(project, name, fields[name])
    record("qi_project_updated", by=by, obj=project, fields=changed)
    commit()
    return project


def save_measure(project: QIProject, *, by, fields: dict, measure=None) -> QIMeasure:
    """Add a measure to `project`, or change `measure`."""
    created = measure is None
    if created:
        measure = QIMeasure(project=project)
        db.session.add(measure)
    for name, value in _pick(fields, MEASURE_FIELDS).items():
        setattr(measure, name, value)
    db.session.flush()
    _touch(project)
    record("qi_measure_saved", by=by, obj=measure, project_id=project.id, created=created)
    commit()
    return measure


def record_value(measure: QIMeasure, *, by, measured_on, value: float, note: str = ""):
    """One point on the measure's run chart; one value per date."""
    clash = db.session.scalar(
        select(QIMeasureValue.id).where(
            QIMeasureValue.measure_id == measure.id, QIMeasureValue.measured_on == measured_on
        )
    )
    if clash:
        raise QIError(
            "There is already a value for this date. Delete it first if it needs correcting",
            field="measured_on",
        )
    point = QIMeasureValue(
        measure=measure, measured_on=measured_on, value=value, note=note or "", recorded_by_id=by.id
    )
    db.session.add(point)
    db.session.flush()
    _touch(measure.project)
    record("qi_value_recorded", by=by, obj=point, measure_id=measure.id)
    commit()
    return point


def delete_value(point: QIMeasureValue, *, by) -> None:
    _touch(point.measure.project)
    record(
        "qi_value_deleted",
        by=by,
        obj=point,
        measure_id=point.measure_id,
        measured_on=point.measured_on.isoformat(),
    )
    db.session.delete(point)
    commit()


def save_cycle(project: QIProject, *, by, fields: dict, cycle=None) -> PDSACycle:
    """Add or change a PDSA cycle; the stage rules are checked here as well as in the form."""
    values = _pick(fields, CYCLE_FIELDS)
    errors = stage_errors(values)
    if errors:
        name, message = next(iter(errors.items()))
        raise QIError(message, field=name)
    taken = db.session.scalar(
        select(PDSACycle.id).where(
            PDSACycle.project_id == project.id,
            PDSACycle.number == values["number"],
            PDSACycle.id != getattr(cycle, "id", None) if cycle else True,
        )
    )
    if taken:
        raise QIError("This project already has a cycle with this number", field="number")
    created = cycle is None
    if created:
        cycle = PDSACycle(project=project)
        db.session.add(cycle)
    for name, value in values.items():
        setattr(cycle, name, value)
    db.session.flush()
    _touch(project)
    record(
        "qi_cycle_saved",
        by=by,
        obj=cycle,
        project_id=project.id,
        created=created,
        stage=cycle.stage,
    )
    commit()
    return cycle


def log_export(project: QIProject, *, by, fmt: str) -> None:
    record_read("qi_project_exported", by=by, obj=project, format=fmt)
