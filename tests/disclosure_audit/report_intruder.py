"""An intruder who reads every practice report they may see and does arithmetic on them.

A practice lead reads their practice's report (page and PDF carry the same tables): the
practice's own sharing clinicians, a similar practice, a peer group and the network, each
by task and by group of tasks, as mean minutes per clinician per diary day. They also read
the private reports their sharing colleagues opened to them: those people's figures are
known to them. A clinician of the practice reads the same report and knows their own
figures. A lead of several practices reads all of those reports together.

The intruder is given more than any reader has (worst case): who is in each column (the
similar practice and the peer group are never named), every column's exact number of
clinicians (pages show them rounded), and every shown mean to its rounding (0.1 minute).
Each unknown clinician sits in an *atom*: the clinicians who are in exactly the same
published columns, whom no published figure can tell apart. Unknowns are an atom's minutes
per task; each shown figure is a linear relation (column mean x column size = the minutes
of its atoms + the known people's), each group figure adds up its tasks. Linear programming
(`scipy.optimize.linprog`, min and max) gives the tightest interval for

- the people of every column, of every difference of two nested columns and of every atom,
  less those the reader knows, whose minutes the cell rules would withhold (one or two
  people, or one person above 70%; for a clinician reader, one person: the rule of three
  lets each of three contributors know the other two's sum, never one of them),

and the target is exposed when that interval is narrower than max(3 minutes, 50% of the true
value). Medians and quartiles (the network's "middle half" column) are order statistics,
not linear relations, and are left to their own rule (five values or more).
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from pact_feedback import disclosure
from pact_feedback.reports import compute

PROTECTION_MINUTES = 3.0
PROTECTION_SHARE = 0.5
ROUNDING = 0.05  # means are shown to 0.1 minute
COLUMNS = {
    "own": "your practice",
    "comparator": "similar practice",
    "peer_group": "peer group",
    "network": "network",
}


@dataclass(frozen=True)
class Reader:
    """A person reading reports: the practices they lead, the clinicians they know."""

    name: str
    practices: tuple[int, ...]
    knows: frozenset[int]
    colleague: bool = False  # a clinician who kept a diary, knowing only their own


@dataclass(frozen=True)
class Column:
    """One published column of one report: its clinicians and its shown means by layer."""

    label: str
    members: frozenset[int]
    values: dict[str, dict | None]  # "by_category" / "by_group" -> {code: mean or None}


@dataclass(frozen=True)
class Exposure:
    reader: str
    target: str
    true_value: float
    low: float
    high: float


def protected(low: float, high: float, true_value: float) -> bool:
    return high - low >= max(PROTECTION_MINUTES, PROTECTION_SHARE * true_value) - 1e-6


class Study:
    """The truth behind a round's reports, and the columns each report publishes."""

    def __init__(self, inputs, reports: list[dict]):
        recorded = compute.recorded_per_day(inputs.entries, inputs.days)
        codes = [c["code"] for c in inputs.categories]
        self.categories = recorded["category"].reindex(columns=codes).fillna(0.0)
        self.group_of = {c["code"]: c["group"] for c in inputs.categories}
        people = inputs.days.drop_duplicates("participant_id").set_index("participant_id")
        self.practice_of = people["practice_id"].to_dict()
        self.members = defaultdict(set)
        for person, practice in self.practice_of.items():
            self.members[practice].add(person)
        self.by_code = {info["ods_code"]: pid for pid, info in inputs.practices.items()}
        self.sharers = set(inputs.sharers)
        self.reports = {r["practice_id"]: r["payload"] for r in reports if r["kind"] == "practice"}

    def columns(self, practice: int) -> list[Column]:
        """Every column the report of `practice` shows."""
        payload = self.reports[practice]
        match = payload["method"]["match"]
        code = payload["practice"]["ods_code"]
        members = {
            "own": self.members[practice] & self.sharers,
            "comparator": self._practice_members(
                [match["comparator"]] if match["comparator"] else []
            ),
            "peer_group": self._practice_members([c for c, _ in match["peer_group"]]),
            "network": set(self.practice_of),
        }
        found = []
        for key, label in COLUMNS.items():
            section = payload.get(key)
            if not section:
                continue
            values = {layer: section[layer].get("values") for layer in ("by_category", "by_group")}
            found.append(Column(f"{code} {label}", frozenset(members[key]), values))
        return found

    def _practice_members(self, codes) -> set[int]:
        return {p for code in codes for p in self.members[self.by_code[code]]}

    def value(self, people, code: str) -> float:
        """True minutes per day of `people` on a task or, for a group letter, a group."""
        if not people:
            return 0.0
        rows = self.categories.loc[sorted(people)]
        if code in self.categories.columns:
            return float(rows[code].sum())
        return float(rows[[c for c, g in self.group_of.items() if g == code]].to_numpy().sum())

    def sensitive(self, people, code: str, colleague: bool = False) -> bool:
        """The cell rules would withhold these people's figure (1-2 of them, or one above 70%).

        For a `colleague` reader, one person's figure only: the rule of three lets each of a
        cell's three contributors know the sum of the other two.
        """
        rows = self.categories.loc[sorted(people)]
        if code in self.categories.columns:
            minutes = rows[code]
        else:
            minutes = rows[[c for c, g in self.group_of.items() if g == code]].sum(axis=1)
        if colleague:
            return int((minutes > 0).sum()) == 1
        return bool(disclosure.primary_reason(minutes.tolist()))


def audit_reader(study: Study, reader: Reader) -> list[Exposure]:
    """Exposed targets for one reader over every report they may read."""
    columns = [c for practice in reader.practices for c in study.columns(practice)]
    unknown = sorted(set(study.practice_of) - reader.knows)
    atoms = defaultdict(list)
    for person in unknown:
        signature = tuple(person in c.members for c in columns)
        if any(signature):  # in no published column: nothing says anything about them
            atoms[signature].append(person)
    atoms = list(atoms.values())
    exposed = []
    for group in sorted(set(study.group_of.values())):
        codes = [c for c, g in study.group_of.items() if g == group]
        exposed += _audit_block(study, reader, columns, atoms, group, codes)
    return exposed


def _audit_block(study, reader, columns, atoms, group, codes) -> list[Exposure]:
    """One taxonomy group: its tasks and its total are tied together, other groups are not."""
    pairs = [(a, c) for a in range(len(atoms)) for c in codes]
    index = {pair: i for i, pair in enumerate(pairs)}
    layers = [*((c, [c]) for c in codes), (group, codes)]

    def terms(inside, keys):
        row = np.zeros(len(index))
        for a, people in enumerate(atoms):
            if set(people) <= inside:
                for c in keys:
                    row[index[a, c]] = 1.0
        return row

    rows, lows, highs = [], [], []
    for column in columns:
        inside = column.members - reader.knows
        n = len(column.members)
        for key, keys in layers:
            values = column.values["by_category" if key in codes else "by_group"]
            shown = None if values is None else values.get(key)
            if shown is None:
                continue
            known = study.value(column.members & reader.knows, key)
            rows.append(terms(inside, keys))
            lows.append(shown * n - ROUNDING * n - known)
            highs.append(shown * n + ROUNDING * n - known)
    # Targets: the unknown people of every column, of every difference of two nested columns,
    # and of every atom, whose figure the cell rules would withhold.
    people_sets = {c.members - reader.knows: c.label for c in columns}
    for outer in columns:
        for inner in columns:
            if inner.members < outer.members:
                label = f"{outer.label} less {inner.label}"
                people_sets.setdefault(outer.members - inner.members - reader.knows, label)
    for people in atoms:
        people_sets.setdefault(frozenset(people), "clinicians " + ", ".join(map(str, people)))
    targets = [
        (f"{label} {key}", terms(people, keys), people, key)
        for people, label in people_sets.items()
        for key, keys in layers
        if people
        and study.value(people, key) > 0
        and study.sensitive(people, key, reader.colleague)
    ]
    if not targets or not rows:
        return []
    a_ub = np.vstack([np.array(rows), -np.array(rows)])
    b_ub = np.concatenate([np.array(highs), -np.array(lows)])
    exposed = []
    for name, objective, people, key in targets:
        if not objective.any():
            continue
        low = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        assert low.status == 0, (name, low.message)
        top = np.inf if high.status == 3 else -high.fun
        true_value = study.value(people, key)
        if not protected(low.fun, top, true_value):
            exposed.append(Exposure(reader.name, name, round(true_value, 2), low.fun, top))
    return exposed


def readers(study: Study, pairs=(), colleagues=True) -> list[Reader]:
    """The lead of each practice (who knows its sharers' figures), a clinician of each practice
    who does not share (who knows their own), and the lead of each pair in `pairs`."""
    found = []
    for practice in sorted(study.reports):
        members = study.members[practice]
        found.append(Reader(f"lead of {practice}", (practice,), frozenset(members & study.sharers)))
        for person in sorted(members - study.sharers)[: 1 if colleagues else 0]:
            found.append(Reader(f"clinician {person}", (practice,), frozenset({person}), True))
    for a, b in pairs:
        known = (study.members[a] | study.members[b]) & study.sharers
        found.append(Reader(f"lead of {a} and {b}", (a, b), frozenset(known)))
    return found


def audit(inputs, reports, pairs=(), colleagues=True) -> list[Exposure]:
    """Exposed targets for every reader (`readers`) of a round's practice reports."""
    study = Study(inputs, reports)
    return [e for r in readers(study, pairs, colleagues) for e in audit_reader(study, r)]
