"""Load a study round's diary data from the database into the frames `reports.build` reads.

One SQL query per frame, so generating reports for a large network stays a handful of round
trips; everything after this module is pure pandas.
"""

from collections.abc import Iterator
from itertools import chain, islice

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select, union_all

from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.reports.build import (
    Reader,
    StudyInputs,
    cycle_collection_paused,
    give_back_freed_memory,
)
from pact_feedback.reports.compute import WHO_COULD
from pact_feedback.reports.matching import Profile
from pact_feedback.studies.models import Enrolment

# An entry's practice and role are its participant's, in `days`: a whole-UK round's entries
# carried them as 20 MB that nothing read.
ENTRY_COLUMNS = ["participant_id", "category", "group", "minutes"]
# Each side row carries the minutes of one split (outside hours, or one "who could" answer):
# the rows are not a partition of the day, and `compute` never adds them together.
SIDE_COLUMNS = ["participant_id", "outside_hours", "could_be_done_by", "minutes"]
DAY_COLUMNS = ["participant_id", "practice_id", "staff_role", "day_id"]


def _driver_rows(statement) -> list[tuple]:
    """The statement's rows as plain tuples, straight from the database driver.

    A round is about a hundred thousand rows; wrapping each in a SQLAlchemy Row (and the ORM
    session's result handling) cost more than the query. The columns read here are integers
    and text, which the drivers return as Python values with nothing to convert.
    """
    result = db.session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _integer_blocks(statement, *, width: int, chunk: int = 50_000) -> Iterator[np.ndarray]:
    """The statement's rows, every column an integer, as numpy blocks of `chunk` rows: a
    whole-UK round is over a million rows, and as Python tuples they took half a gigabyte
    where the arrays take a tenth of that."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        blocks = _postgresql_blocks(connection, statement, chunk)
    else:
        result = connection.execute(statement, execution_options={"yield_per": chunk})
        blocks = result.partitions()
    for rows in blocks:
        yield np.fromiter(
            chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width
        ).reshape(-1, width)


def _postgresql_blocks(connection, statement, chunk: int) -> Iterator[list[tuple]]:
    """The statement run to completion as one ordinary query, its rows read `chunk` at a time
    (psycopg's `stream`, libpq's chunked-rows mode), so the client holds one chunk.

    Not a server-side cursor: PostgreSQL never gives a cursor (DECLARE) a parallel plan, and
    the minutes query, split into ranges of participants (`_minutes_query`), runs its parts
    on parallel workers, as the bare GROUP BY floor does. The leader only passes the rows on
    (taking a part itself measured slower). Compiling this one query's expressions (JIT) cost
    about half a second of a whole-UK round and saved nothing.
    """
    connection.exec_driver_sql("SET LOCAL jit = off")
    connection.exec_driver_sql("SET LOCAL parallel_leader_participation = off")
    compiled = statement.compile(dialect=connection.dialect)
    raw = connection.connection.driver_connection
    import psycopg  # here: SQLite never needs the driver (8 MB of its benchmark's peak)

    # Chunked rows need libpq 17 (psycopg-binary bundles a newer one); else one row at a time.
    size = chunk if psycopg.pq.version() >= 170000 else 1
    with raw.cursor(binary=True) as cursor:  # binary integers: less to parse
        rows = cursor.stream(str(compiled), compiled.params, size=size)
        while block := list(islice(rows, chunk)):
            yield block
    # Later statements in this transaction plan as usual (after an error it is rolled back).
    connection.exec_driver_sql("SET LOCAL jit TO DEFAULT")
    connection.exec_driver_sql("SET LOCAL parallel_leader_participation TO DEFAULT")


def load_days(study) -> pd.DataFrame:
    """One row per completed diary day: only a day the participant finished counts."""
    rows = _driver_rows(
        select(DiaryDay.user_id, DiaryDay.practice_id, DiaryDay.staff_role, DiaryDay.id)
        .where(DiaryDay.study_id == study.id, DiaryDay.completed_at.is_not(None))
        .order_by(DiaryDay.id)
    )
    return pd.DataFrame(rows, columns=DAY_COLUMNS)


class _Columns:
    """The first columns of the query's rows, filled block by block into arrays made once
    for the most rows the query can return (one per participant and category), and the other
    columns summed per participant as they arrive: the round is held as three columns, not
    eight, and nothing is left in pieces between the blocks (which kept 70 MB of a whole-UK
    round's memory from going back to the system)."""

    def __init__(self, participants: np.ndarray, most: int, kept: int, summed: int):
        self.participants = participants  # sorted
        self.kept = np.empty((kept, most), dtype=np.int64)
        self.sums = np.zeros((len(participants), summed), dtype=np.int64)
        self.seen = np.zeros(len(participants), dtype=bool)
        self.rows = 0

    def add(self, block: np.ndarray) -> None:
        end = self.rows + len(block)
        if end > self.kept.shape[1]:  # more than one row per participant and category
            grown = np.empty((len(self.kept), max(end, 2 * self.kept.shape[1])), dtype=np.int64)
            grown[:, : self.rows] = self.kept[:, : self.rows]
            self.kept = grown
        self.kept[:, self.rows : end] = block[:, : len(self.kept)].T
        self.rows = end
        place = np.searchsorted(self.participants, block[:, 0])
        if not np.array_equal(
            self.participants[np.minimum(place, len(self.participants) - 1)], block[:, 0]
        ):
            raise ValueError("minutes of a participant without a completed diary day")
        np.add.at(self.sums, place, block[:, len(self.kept) :])
        self.seen[place] = True

    def column(self, i: int) -> pd.Series:
        return pd.Series(self.kept[i, : self.rows])

    def summed(self, names: list[str]) -> pd.DataFrame:
        """The summed columns, one row per participant with rows (index participant_id)."""
        index = pd.Index(self.participants[self.seen], name="participant_id")
        return pd.DataFrame(self.sums[self.seen], index=index, columns=names)


MINUTES_PARTS = 2  # PostgreSQL's parallel workers per query by default


def _minutes_query(query, participants: np.ndarray):
    """`query` (grouped by participant) as `MINUTES_PARTS` parts over ranges of participants
    (equal numbers of them), joined by UNION ALL on PostgreSQL; as it is elsewhere.

    The one GROUP BY of a whole-UK round is 1.27 million groups, which PostgreSQL aggregates
    in one process (a partial aggregate per worker would hold nearly every group twice);
    parts with no participant in common are a parallel plan (Parallel Append), one worker
    each, the aggregate halved on each. The first and last ranges are open, so every
    participant is in exactly one part.
    """
    if db.session.get_bind().dialect.name != "postgresql" or len(participants) < MINUTES_PARTS:
        return query
    cuts = [
        int(participants[len(participants) * i // MINUTES_PARTS]) for i in range(1, MINUTES_PARTS)
    ]
    ranges = zip([None, *cuts], [*cuts, None], strict=True)
    return union_all(
        *(
            query.where(
                *([] if low is None else [DiaryDay.user_id >= low]),
                *([] if high is None else [DiaryDay.user_id < high]),
            )
            for low, high in ranges
        )
    )


def load_minutes(study, days: pd.DataFrame, categories) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Minutes per participant and category, with the hours and "who could" splits, in one
    SQL pass; returns the `entries` and `side` frames `reports.compute` reads.

    A round of a million entries arrives as one row per participant and category (every
    figure is a sum of minutes, so these rows work like entries), grouped on integer keys
    with conditional sums, which keeps SQLite's GROUP BY close to its bare floor.
    """
    splits = [
        func.sum(case((TaskEntry.outside_hours.is_(True), TaskEntry.minutes), else_=0)),
        *(
            func.sum(case((TaskEntry.could_be_done_by == who, TaskEntry.minutes), else_=0))
            for who in WHO_COULD
        ),
    ]
    names = ["participant_id", "category_id", "minutes", "outside", *WHO_COULD]
    participants = np.unique(days["participant_id"].to_numpy(dtype=np.int64))
    found = _Columns(participants, len(participants) * len(categories), 3, len(names) - 3)
    for block in _integer_blocks(
        _minutes_query(
            select(DiaryDay.user_id, TaskEntry.category_id, func.sum(TaskEntry.minutes), *splits)
            .join(DiaryDay, TaskEntry.day_id == DiaryDay.id)
            .where(DiaryDay.study_id == study.id, DiaryDay.completed_at.is_not(None))
            .group_by(DiaryDay.user_id, TaskEntry.category_id),
            participants,
        ),
        width=len(names),
    ):
        found.add(block)
    participant_id, category_id, minutes = (found.column(i) for i in range(3))
    per_person = found.summed(names[3:])
    del found
    code = {c.id: c.code for c in categories}
    group = {c.id: c.group for c in categories}
    entries = pd.DataFrame(
        {
            "participant_id": participant_id,
            "category": category_id.map(code),
            "group": category_id.map(group),
            "minutes": minutes.astype(float),
        },
        columns=ENTRY_COLUMNS,
        copy=False,  # the columns are new: a copy of each would only double the peak
    )
    side = pd.concat(
        [
            pd.DataFrame(
                {
                    "participant_id": per_person.index,
                    "outside_hours": True,
                    "could_be_done_by": None,
                    "minutes": per_person["outside"].astype(float).to_numpy(),
                }
            ),
            *(
                pd.DataFrame(
                    {
                        "participant_id": per_person.index,
                        "outside_hours": False,
                        "could_be_done_by": who,
                        "minutes": per_person[who].astype(float).to_numpy(),
                    }
                )
                for who in WHO_COULD
            ),
        ],
        ignore_index=True,
    )
    return entries, side[SIDE_COLUMNS]


def load_readers(study, sharers: set[int]) -> list[Reader]:
    """The people who read more than one practice lead's view of this round's reports: a lead
    of two or more practices in the round, or a lead who also reads another practice's report
    as its participant, or who keeps a diary and does not share it (they know their own
    figures besides their sharers'). One query over leads and this study's participants."""
    in_round = select(Enrolment.practice_id).where(Enrolment.study_id == study.id)
    is_lead = (Membership.role == PRACTICE_LEAD) & Membership.practice_id.in_(in_round)
    leaders = select(Membership.user_id).where(is_lead)
    # Only leads' own participation matters: the other 60,000 participants of a whole-UK
    # round were most of this function's time, for nothing.
    rows = db.session.execute(
        select(Membership.user_id, Membership.role, Membership.practice_id).where(
            is_lead
            | (
                (Membership.role == PARTICIPANT)
                & (Membership.study_id == study.id)
                & Membership.practice_id.in_(in_round)
                & Membership.user_id.in_(leaders)
            )
        )
    ).all()
    leads, reads = {}, {}
    for user_id, role, practice_id in rows:
        (leads if role == PRACTICE_LEAD else reads).setdefault(user_id, set()).add(practice_id)
    readers = []
    for user_id in sorted(leads):
        led, own = leads[user_id], reads.get(user_id, set())
        if len(led | own) > 1 or (own and user_id not in sharers):
            knows = frozenset({user_id} if own else ())  # their own figures
            readers.append(Reader(tuple(sorted(led)), tuple(sorted(own - led)), knows))
    return readers


PRACTICE_COLUMNS = (
    *("id", "name", "data_date"),
    *("ods_code", "nation", "imd_score", "pct_65_plus", "list_size", "pct_rural"),  # Profile
)


def _profile(practice) -> Profile:
    return Profile(
        ods_code=practice.ods_code,
        nation=practice.nation,
        imd_score=practice.imd_score,
        pct_65_plus=practice.pct_65_plus,
        list_size=practice.list_size,
        pct_rural=practice.pct_rural,
    )


def load_inputs(study) -> StudyInputs:
    """Everything one round's reports are built from, read in one go."""
    with cycle_collection_paused():
        inputs = _load_inputs(study)
    give_back_freed_memory()  # the rows read: the frames keep a tenth of what reading took
    return inputs


def _load_inputs(study) -> StudyInputs:
    categories = db.session.scalars(
        select(Category)
        .where(Category.study_id == study.id)
        .order_by(Category.position, Category.code)
    ).all()
    # The columns read, not ORM objects: 7,700 practices as objects took half a second.
    practices = db.session.execute(
        select(*(getattr(Practice, name) for name in PRACTICE_COLUMNS)).order_by(Practice.ods_code)
    ).all()
    enrolled = list(
        db.session.scalars(
            select(Enrolment.practice_id)
            .join(Practice, Practice.id == Enrolment.practice_id)
            .where(Enrolment.study_id == study.id)
            .order_by(Practice.ods_code)
        )
    )
    sharers = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.role == PARTICIPANT,
                Membership.study_id == study.id,
                Membership.shares_with_practice.is_(True),
            )
        )
    )
    enrolled_ids = set(enrolled)  # once, not per practice: 7,700 sets of 7,700 took a second
    in_round = [p for p in practices if p.id in enrolled_ids]
    days = load_days(study)
    entries, side = load_minutes(study, days, categories)
    # A category retired during collection still counts for the time recorded in it.
    used = set(entries["category"].unique())
    categories = [c for c in categories if c.active or c.code in used]
    data_dates = [p.data_date for p in in_round if p.data_date]
    return StudyInputs(
        study={"slug": study.slug, "title": study.title, "round": study.round},
        categories=[{"code": c.code, "label": c.label, "group": c.group} for c in categories],
        entries=entries,
        side=side,
        days=days,
        practices={
            p.id: {"name": p.name, "ods_code": p.ods_code, "profile": _profile(p)}
            for p in practices
        },
        reference=[_profile(p) for p in practices],
        enrolled=enrolled,
        sharers=sharers,
        weights=study.match_weights or None,
        k_practice=study.k_practice,
        peer_group_size=study.peer_group_size,
        data_date=max(data_dates) if data_dates else None,
        readers=load_readers(study, sharers),
    )
