"""Finding a demographically similar practice and a peer group (PRODUCT.md section 4).

Weighted Euclidean distance on national z-scores of IMD score, % aged 65+, log list size and
% rural. Pure functions: practices in, a `Match` out, so the method can be tested on its own
and its inputs stored with every report.
"""

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import fmean, pstdev

import numpy as np

METHOD_VERSION = "matching-1"
VARIABLES = ("imd_score", "pct_65_plus", "log_list_size", "pct_rural")
VARIABLE_LABELS = {
    "imd_score": "population-weighted deprivation (IMD) score",
    "pct_65_plus": "% of patients aged 65 and over",
    "log_list_size": "list size (on a log scale)",
    "pct_rural": "% of patients living in rural areas",
}
DEFAULT_WEIGHTS = {"imd_score": 1.0, "pct_65_plus": 1.0, "log_list_size": 0.5, "pct_rural": 0.5}
MIN_PEER_GROUP = 3  # a peer group of one or two practices could be recognised


@dataclass(frozen=True)
class Profile:
    """The demographics matching uses, for one practice."""

    ods_code: str
    nation: str
    imd_score: float
    pct_65_plus: float
    list_size: int
    pct_rural: float

    def values(self) -> dict[str, float]:
        return {
            "imd_score": self.imd_score,
            "pct_65_plus": self.pct_65_plus,
            "log_list_size": math.log(max(self.list_size, 1)),
            "pct_rural": self.pct_rural,
        }


@dataclass
class Match:
    """The outcome of matching one practice, stored with its report."""

    ods_code: str
    comparator: str | None
    comparator_distance: float | None
    peer_group: list[tuple[str, float]] = field(default_factory=list)
    pool: str = "same nation"
    notes: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    inputs: dict[str, dict[str, float]] = field(default_factory=dict)
    method_version: str = METHOD_VERSION

    def to_dict(self) -> dict:
        """`dataclasses.asdict(self)`, written out: its generic deep copy cost more than the
        matching itself across a round (tests check the two agree)."""
        return {
            "ods_code": self.ods_code,
            "comparator": self.comparator,
            "comparator_distance": self.comparator_distance,
            "peer_group": [tuple(pair) for pair in self.peer_group],
            "pool": self.pool,
            "notes": list(self.notes),
            "weights": dict(self.weights),
            "inputs": {code: dict(values) for code, values in self.inputs.items()},
            "method_version": self.method_version,
        }


def national_z_scores(reference: Iterable[Profile]) -> dict[str, dict[str, float]]:
    """{ods_code: {variable: z}} with means and SDs taken within each nation.

    Deprivation indices differ between the four nations, so a practice is scored against
    its own nation's distribution. A variable with no spread scores 0 for everyone.
    """
    by_nation: dict[str, list[Profile]] = defaultdict(list)
    for profile in reference:
        by_nation[profile.nation].append(profile)
    scores: dict[str, dict[str, float]] = {}
    for profiles in by_nation.values():
        rows = [p.values() for p in profiles]
        columns = {v: [values[v] for values in rows] for v in VARIABLES}
        stats = {v: (fmean(xs), pstdev(xs)) for v, xs in columns.items()}
        for p, values in zip(profiles, rows, strict=True):
            scores[p.ods_code] = {
                v: (values[v] - mean) / sd if sd > 0 else 0.0 for v, (mean, sd) in stats.items()
            }
    return scores


def distance(a: Mapping[str, float], b: Mapping[str, float], weights: Mapping[str, float]) -> float:
    return math.sqrt(sum(weights[v] * (a[v] - b[v]) ** 2 for v in VARIABLES))


class Pool:
    """A round's eligible practices as arrays, to match every practice of the round against.

    Scaling each z-score by the square root of its weight turns the weighted distance into a
    plain Euclidean one. numpy measures every candidate at once and keeps the few nearest;
    `math.dist` then measures those few again exactly, so the distances stored and the order
    of near ties are the same whatever the arithmetic of the first pass.
    """

    SLACK = 1e-9  # far wider than any difference between the two ways of measuring
    BLOCK = 256  # targets measured at once by `match_all`: 256 x 7,700 candidates is 16 MB

    def __init__(self, candidates: Iterable[Profile], z_scores, weights=None):
        self.candidates = list(candidates)
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.z_scores, self.scale = z_scores, [math.sqrt(self.weights[v]) for v in VARIABLES]
        self.codes = np.array([c.ods_code for c in self.candidates], dtype=object)
        self.nations = np.array([c.nation for c in self.candidates], dtype=object)
        self.points = [self._point(c.ods_code) for c in self.candidates]
        self.array = np.array(self.points, dtype=float).reshape(
            len(self.candidates), len(VARIABLES)
        )
        # Each nation's candidates and each candidate's place, found once for every match of
        # a round (comparing every code and nation per target was a third of matching's time).
        self.in_nation = {
            nation: np.flatnonzero(self.nations == nation) for nation in set(self.nations)
        }
        self.place = {code: i for i, code in enumerate(self.codes)}

    def _point(self, code: str) -> tuple[float, ...]:
        return tuple(self.z_scores[code][v] * s for v, s in zip(VARIABLES, self.scale, strict=True))

    def match_all(self, targets: Iterable[Profile], *, k: int = 5) -> list[Match]:
        """`match` for every target, the rough distances to its nation's candidates worked
        out for a block of targets at a time, and each block's shortlists in one numpy step
        (one numpy step a target was most of a whole-UK round's matching)."""
        targets = list(targets)
        shortlists = [None] * len(targets)
        by_nation = defaultdict(list)
        for i, target in enumerate(targets):
            by_nation[target.nation].append(i)
        for nation, rows in by_nation.items():
            pool = self.in_nation.get(nation)
            if pool is None:
                continue  # no candidate in its nation: `match` looks across the UK
            for start in range(0, len(rows), self.BLOCK):
                block = rows[start : start + self.BLOCK]
                found = self._shortlists([targets[i] for i in block], pool, max(k, 1))
                for i, shortlist in zip(block, found, strict=True):
                    shortlists[i] = shortlist
        return [self.match(t, k=k, shortlist=s) for t, s in zip(targets, shortlists, strict=True)]

    def _shortlists(self, targets: list[Profile], pool: np.ndarray, n: int) -> list:
        """For each target (all of one nation), the candidates of `pool` that `_nearest`
        would measure exactly: those within the n-th smallest rough distance (and a slack),
        the target itself left out; None where no other candidate is left."""
        rough = self._rough([self._point(t.ods_code) for t in targets], pool)
        own = np.array([self.place.get(t.ods_code, -1) for t in targets])
        where = np.searchsorted(pool, own)
        is_own = (own >= 0) & (pool[np.minimum(where, len(pool) - 1)] == own)
        rough[np.flatnonzero(is_own), where[is_own]] = np.inf  # never the practice itself
        others = len(pool) - is_own
        cut = np.partition(rough, min(n, len(pool)) - 1, axis=1)[:, min(n, len(pool)) - 1]
        shortlists = []
        for row, cut_here, size in zip(rough, cut.tolist(), others.tolist(), strict=True):
            if not size:
                shortlists.append(None)
            elif size > n:  # as `_nearest` cuts the pool
                shortlists.append(pool[row <= cut_here + self.SLACK * (1 + cut_here)])
            else:
                shortlists.append(pool[row < np.inf])
        return shortlists

    def _rough(self, origins: list[tuple], columns: np.ndarray | None = None) -> np.ndarray:
        """Distances from each origin (rows) to every candidate, or to the candidates at
        `columns`, summed over the variables in the same order as `_nearest` does (in place:
        a new array for each step was as slow as the arithmetic)."""
        origins = np.array(origins, dtype=float).reshape(len(origins), len(VARIABLES))
        points = self.array if columns is None else self.array[columns]
        squares = np.zeros((len(origins), len(points)))
        step = np.empty_like(squares)
        for v in range(len(VARIABLES)):
            np.subtract(points[:, v][np.newaxis, :], origins[:, v][:, np.newaxis], out=step)
            np.multiply(step, step, out=step)
            squares += step
        return np.sqrt(squares, out=squares)

    def match(self, target: Profile, *, k: int = 5, shortlist: np.ndarray | None = None) -> Match:
        """Nearest eligible practice (comparator) and the k nearest (peer group) to `target`.

        `shortlist`: the candidates to measure exactly (`_shortlists`), when found already.
        """
        match = Match(
            target.ods_code,
            None,
            None,
            weights=dict(self.weights),
            inputs={target.ods_code: target.values()},
        )
        own = self.place.get(target.ods_code)
        pool = self.in_nation.get(target.nation, np.arange(0))
        if own is not None:
            pool = pool[pool != own]
        others = pool  # every candidate but the target, only worked out when needed
        if not len(pool):
            others = np.arange(len(self.candidates))
            others = others if own is None else others[others != own]
        if not len(pool) and len(others):
            pool = others
            match.pool = "all nations"
            match.notes.append(
                f"No similar practice in {target.nation} took part, so practices across the UK "
                "were compared, each scored within its own nation."
            )
        if not len(pool):
            match.pool = "none"
            match.notes.append("No other practice was eligible, so only network figures are shown.")
            return match
        ranked = self._nearest(self._point(target.ods_code), pool, max(k, 1), shortlist)
        nearest_distance, nearest = ranked[0]
        match.comparator, match.comparator_distance = nearest.ods_code, round(nearest_distance, 6)
        match.inputs[nearest.ods_code] = nearest.values()
        if len(ranked) >= MIN_PEER_GROUP:
            match.peer_group = [(c.ods_code, round(dist, 6)) for dist, c in ranked]
        else:
            match.notes.append(
                f"Fewer than {MIN_PEER_GROUP} similar practices were eligible, so no peer group "
                "is shown."
            )
        return match

    def _nearest(
        self, origin: tuple, index: np.ndarray, n: int, shortlist: np.ndarray | None = None
    ) -> list[tuple[float, Profile]]:
        """The n nearest of the candidates at `index`: (distance, profile), nearest first, ties
        broken by ODS code. `shortlist`: those of them within reach, when known."""
        if shortlist is not None:
            index = shortlist
        elif len(index) > n:
            rough = np.sqrt(((self.array[index] - origin) ** 2).sum(axis=1))
            cut = np.partition(rough, n - 1)[n - 1]
            index = index[rough <= cut + self.SLACK * (1 + cut)]
        return heapq.nsmallest(
            n,
            ((math.dist(origin, self.points[i]), self.candidates[i]) for i in index),
            key=lambda pair: (round(pair[0], 12), pair[1].ods_code),
        )


def match_practice(
    target: Profile,
    candidates: Iterable[Profile],
    reference: Iterable[Profile],
    *,
    weights: Mapping[str, float] | None = None,
    k: int = 5,
    z_scores: Mapping[str, Mapping[str, float]] | None = None,
) -> Match:
    """Nearest eligible practice (comparator) and the k nearest (peer group).

    `candidates` are practices in the same study round that pass disclosure control;
    `reference` is every practice whose demographics were imported (for national z-scores).
    Ties are broken by ODS code so the same data always gives the same match.
    `z_scores` (from `national_z_scores(reference)`) must cover the target and the candidates
    when given. To match every practice of a round, build one `Pool` and call its `match`.
    """
    candidates = [c for c in candidates if c.ods_code != target.ods_code]
    z = z_scores or national_z_scores(
        {p.ods_code: p for p in [*reference, target, *candidates]}.values()
    )
    return Pool(candidates, z, weights).match(target, k=k)


def method_statement(match: Match, data_date) -> str:
    """The plain statement every practice report carries about how its comparator was chosen."""
    variables = ", ".join(VARIABLE_LABELS[v] for v in VARIABLES)
    where = {
        "same nation": "practices in the same nation",
        "all nations": "practices across the UK",
        "none": "practices",
    }[match.pool]
    text = (
        f"The similar practice is the one closest to yours among {where} that took part in "
        f"this round, on {variables}, using demographic data dated {data_date:%-d %B %Y}. "
        "We never name it."
    )
    return " ".join([text, *match.notes])
