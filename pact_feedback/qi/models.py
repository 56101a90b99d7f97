"""Quality-improvement projects (Model for Improvement), their measures and PDSA cycles.

A project belongs either to a practice (its leads and participants see and edit it) or to one
person (a private project for their own portfolio); never both.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.qi.pdsa import STAGE_FIELDS, recorded_stage

STATUSES = (
    ("planning", "Planning"),
    ("active", "Active: testing changes"),
    ("completed", "Completed"),
    ("stopped", "Stopped"),
)
EVIDENCE_TAGS = (
    ("gp_training", "GP training: quality improvement project or activity (QIP/QIA)"),
    ("foundation", "Foundation Programme: FPC 9 (quality improvement)"),
    ("appraisal", "Appraisal and CPD"),
    ("cqc", "CQC: evidence of service development"),
)
MEASURE_KINDS = (
    ("outcome", "Outcome measure"),
    ("process", "Process measure"),
    ("balancing", "Balancing measure"),
)
ACT_DECISIONS = (
    ("adopt", "Adopt: keep the change"),
    ("adapt", "Adapt: change it and test again"),
    ("abandon", "Abandon: stop this change"),
    ("scale_up", "Scale up: test it more widely"),
)


def _in(column: str, choices) -> str:
    return f"{column} IN ({', '.join(repr(code) for code, _ in choices)})"


class QIProject(db.Model):
    __tablename__ = "qi_projects"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(
            "(practice_id IS NULL) != (owner_id IS NULL)", name="practice_or_private_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"),
        index=True,
        comment="Practice that owns the project (practice projects)",
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        index=True,
        comment="The one person who sees a private project",
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Who started the project"
    )
    title: Mapped[str] = mapped_column(String(200), comment="Short name of the project")
    aim_what: Mapped[str] = mapped_column(Text, comment="Aim: what will improve")
    aim_how_much: Mapped[str] = mapped_column(
        String(500), default="", server_default="", comment="Aim: by how much"
    )
    aim_by_when: Mapped[date | None] = mapped_column(comment="Aim: by when")
    status: Mapped[str] = mapped_column(
        String(20), default="planning", server_default="planning", comment="Project status"
    )
    change_ideas: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Change ideas to test, free text"
    )
    team_members: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Who is in the team, free text"
    )
    reflection: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="What the team learned, for portfolios"
    )
    evidence_tags: Mapped[list] = mapped_column(
        JSON, default=list, comment="Evidence uses: gp_training, foundation, appraisal, cqc"
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), comment="Report the project started from"
    )
    finding_category: Mapped[str | None] = mapped_column(
        String(10), comment="Taxonomy code of the report finding"
    )
    finding_label: Mapped[str | None] = mapped_column(String(200), comment="Its label")
    finding_baseline: Mapped[float | None] = mapped_column(
        Float, comment="Baseline minutes per clinician per day from the report"
    )
    finding_baseline_source: Mapped[str | None] = mapped_column(
        String(60), comment="Whose figure the baseline is (your practice, similar practice...)"
    )
    finding_comparison: Mapped[float | None] = mapped_column(
        Float, comment="Comparison value from the report (network figure)"
    )
    finding_comparison_source: Mapped[str | None] = mapped_column(
        String(60), comment="What the comparison value is"
    )
    finding_range_low: Mapped[float | None] = mapped_column(Float, comment="Network range, low")
    finding_range_high: Mapped[float | None] = mapped_column(Float, comment="Network range, high")
    finding_unit: Mapped[str | None] = mapped_column(
        String(40), comment="Unit of the finding's figures; empty: minutes per clinician per day"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    measures: Mapped[list["QIMeasure"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="QIMeasure.id"
    )
    cycles: Mapped[list["PDSACycle"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="PDSACycle.number"
    )
    practice: Mapped["Practice | None"] = relationship()  # noqa: F821

    @property
    def is_private(self) -> bool:
        return self.owner_id is not None

    @property
    def status_label(self) -> str:
        return dict(STATUSES).get(self.status, self.status)

    @property
    def evidence_labels(self) -> list[str]:
        labels = dict(EVIDENCE_TAGS)
        return [labels[tag] for tag in self.evidence_tags or [] if tag in labels]


class QIMeasure(db.Model):
    __tablename__ = "qi_measures"
    __table_args__ = (CheckConstraint(_in("kind", MEASURE_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("qi_projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), comment="outcome, process or balancing")
    name: Mapped[str] = mapped_column(String(200), comment="What is measured")
    definition: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Operational definition"
    )
    data_source: Mapped[str] = mapped_column(
        String(300), default="", server_default="", comment="Where the data comes from"
    )
    frequency: Mapped[str] = mapped_column(
        String(100), default="", server_default="", comment="How often it is measured"
    )
    unit: Mapped[str] = mapped_column(
        String(60), default="", server_default="", comment="Unit, e.g. minutes or %"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[QIProject] = relationship(back_populates="measures")
    values: Mapped[list["QIMeasureValue"]] = relationship(
        back_populates="measure",
        cascade="all, delete-orphan",
        order_by="(QIMeasureValue.measured_on, QIMeasureValue.id)",
    )

    @property
    def kind_label(self) -> str:
        return dict(MEASURE_KINDS).get(self.kind, self.kind)


class QIMeasureValue(db.Model):
    __tablename__ = "qi_measure_values"
    __table_args__ = (
        UniqueConstraint("measure_id", "measured_on", name="uq_qi_measure_values_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("qi_measures.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(comment="Date the value refers to")
    value: Mapped[float] = mapped_column(Float, comment="The measured value")
    note: Mapped[str] = mapped_column(
        String(500), default="", server_default="", comment="Anything unusual about this point"
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Who recorded it"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[QIMeasure] = relationship(back_populates="values")


class PDSACycle(db.Model):
    __tablename__ = "qi_pdsa_cycles"
    __table_args__ = (
        UniqueConstraint("project_id", "number", name="uq_qi_pdsa_cycles_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("act IS NULL OR " + _in("act", ACT_DECISIONS), name="act_known"),
        CheckConstraint(
            "start_on IS NULL OR end_on IS NULL OR end_on >= start_on", name="dates_in_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("qi_projects.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(comment="Cycle number within the project, from 1")
    start_on: Mapped[date | None] = mapped_column(comment="First day of the test")
    end_on: Mapped[date | None] = mapped_column(comment="Last day of the test")
    objective: Mapped[str] = mapped_column(Text, comment="Plan: objective of this cycle")
    purpose: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Plan: why this test, what it is for"
    )
    questions: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Plan: questions the test will answer"
    )
    prediction: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Plan: what we predict will happen"
    )
    plan_who: Mapped[str] = mapped_column(Text, default="", server_default="", comment="Plan: who")
    plan_what: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Plan: what will be done"
    )
    plan_when: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Plan: when"
    )
    plan_where: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Plan: where"
    )
    do_notes: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Do: what happened, problems, observations"
    )
    study_notes: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Study: results against the prediction"
    )
    act: Mapped[str | None] = mapped_column(
        String(20), comment="Act: adopt, adapt, abandon or scale_up"
    )
    next_steps: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Act: next steps"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    project: Mapped[QIProject] = relationship(back_populates="cycles")

    @property
    def act_label(self) -> str:
        return dict(ACT_DECISIONS).get(self.act, "") if self.act else ""

    @property
    def stage(self) -> str:
        """The furthest stage written up: Plan, Do, Study or Act (derived, never stored)."""

        return recorded_stage({name: getattr(self, name) for name in STAGE_FIELDS})


from pact_feedback.practices.models import Practice  # noqa: E402,F401
