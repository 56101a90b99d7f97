"""Practices and their demographics, imported by the study team."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")


class Practice(db.Model):
    __tablename__ = "practices"
    __table_args__ = (
        CheckConstraint("list_size >= 0", name="list_size_not_negative"),
        CheckConstraint("pct_65_plus >= 0 AND pct_65_plus <= 100", name="pct_65_plus_range"),
        CheckConstraint("pct_rural >= 0 AND pct_rural <= 100", name="pct_rural_range"),
        CheckConstraint("imd_decile >= 1 AND imd_decile <= 10", name="imd_decile_range"),
        CheckConstraint(
            "nation IN ('England', 'Scotland', 'Wales', 'Northern Ireland')", name="nation_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, comment="Internal practice id")
    ods_code: Mapped[str] = mapped_column(
        String(10), unique=True, comment="NHS Organisation Data Service code"
    )
    name: Mapped[str] = mapped_column(String(200), comment="Practice name")
    nation: Mapped[str] = mapped_column(String(20), comment="UK nation")
    region: Mapped[str] = mapped_column(String(100), comment="Region within the nation")
    list_size: Mapped[int] = mapped_column(Integer, comment="Registered patients")
    pct_65_plus: Mapped[float] = mapped_column(Float, comment="% of registered patients aged 65+")
    imd_score: Mapped[float] = mapped_column(
        Float, comment="Population-weighted index of multiple deprivation score"
    )
    imd_decile: Mapped[int] = mapped_column(Integer, comment="IMD decile (1 most deprived)")
    pct_rural: Mapped[float] = mapped_column(Float, comment="% of patients living in rural areas")
    data_date: Mapped[date] = mapped_column(comment="Date the demographic data refers to")
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, comment="Last import that changed the row"
    )

    def __repr__(self) -> str:
        return f"<Practice {self.ods_code}>"
