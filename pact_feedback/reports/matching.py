"""Finding a demographically similar practice and a peer group (PRODUCT.md section 4).

Weighted Euclidean distance on national z-scores of IMD score, % aged 65+, log list size and
% rural. Pure functions: practices in, a `Match` out, so the method can be tested on its own
and its inputs stored with every report.
"""

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from statistics import fmean, pstdev

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
        return asdict(self)


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
        columns = {v: [p.values()[v] for p in profiles] for v in VARIABLES}
        stats = {v: (fmean(xs), pstdev(xs)) for v, xs in columns.items()}
        for p in profiles:
            values = p.values()
            scores[p.ods_code] = {
                v: (values[v] - mean) / sd if sd > 0 else 0.0 for v, (mean, sd) in stats.items()
            }
    return scores


class _ScaledPoints(dict):
    """{ods_code: z-scores scaled by sqrt(weight)}, built on first use of each practice."""

    def __init__(self, z_scores, weights):
        super().__init__()
        self.z_scores, self.scale = z_scores, {v: math.sqrt(weights[v]) for v in VARIABLES}

    def __missing__(self, code):
        point = self[code] = tuple(self.z_scores[code][v] * self.scale[v] for v in VARIABLES)
        return point


def scaled_points(z_scores, weights=None) -> dict:
    """Points for `math.dist`; build once per round and pass to every `match_practice`."""
    return _ScaledPoints(z_scores, dict(weights or DEFAULT_WEIGHTS))


def distance(a: Mapping[str, float], b: Mapping[str, float], weights: Mapping[str, float]) -> float:
    return math.sqrt(sum(weights[v] * (a[v] - b[v]) ** 2 for v in VARIABLES))


def match_practice(
    target: Profile,
    candidates: Iterable[Profile],
    reference: Iterable[Profile],
    *,
    weights: Mapping[str, float] | None = None,
    k: int = 5,
    z_scores: Mapping[str, Mapping[str, float]] | None = None,
    points: Mapping[str, tuple] | None = None,
) -> Match:
    """Nearest eligible practice (comparator) and the k nearest (peer group).

    `candidates` are practices in the same study round that pass disclosure control;
    `reference` is every practice whose demographics were imported (for national z-scores).
    Ties are broken by ODS code so the same data always gives the same match.
    `z_scores` (from `national_z_scores(reference)`) saves recomputing them for every practice
    of a round; they must cover the target and the candidates. `points` (from
    `scaled_points(z_scores, weights)`, the same weights) likewise.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    candidates = [c for c in candidates if c.ods_code != target.ods_code]
    z = z_scores or national_z_scores(
        {p.ods_code: p for p in [*reference, target, *candidates]}.values()
    )
    match = Match(
        target.ods_code, None, None, weights=weights, inputs={target.ods_code: target.values()}
    )
    pool = [c for c in candidates if c.nation == target.nation]
    if not pool and candidates:
        pool = candidates
        match.pool = "all nations"
        match.notes.append(
            f"No similar practice in {target.nation} took part, so practices across the UK "
            "were compared, each scored within its own nation."
        )
    if not pool:
        match.pool = "none"
        match.notes.append("No other practice was eligible, so only network figures are shown.")
        return match
    # Scaling each z-score by the square root of its weight turns the weighted distance into a
    # plain Euclidean one, which math.dist computes in C: a round matches every practice
    # against every other, so this loop runs hundreds of thousands of times.
    points = points or scaled_points(z, weights)
    origin = points[target.ods_code]
    ranked = heapq.nsmallest(
        max(k, 1),
        ((math.dist(origin, points[c.ods_code]), c) for c in pool),
        key=lambda pair: (round(pair[0], 12), pair[1].ods_code),
    )
    nearest_distance, nearest = ranked[0]
    match.comparator, match.comparator_distance = nearest.ods_code, round(nearest_distance, 6)
    match.inputs[nearest.ods_code] = nearest.values()
    peers = ranked[: max(k, 1)]
    if len(peers) >= MIN_PEER_GROUP:
        match.peer_group = [(c.ods_code, round(dist, 6)) for dist, c in peers]
    else:
        match.notes.append(
            f"Fewer than {MIN_PEER_GROUP} similar practices were eligible, so no peer group "
            "is shown."
        )
    return match


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
