"""Run-chart rules (NHS Improvement / IHI, after Perla, Provost and Murray 2011): pure functions.

Choices, so a reader can check them:
- The centre line is the median of the **baseline**: the first `BASELINE_POINTS` (12) points,
  or every point when there are fewer. The line is extended across later points, so a change
  after the baseline shows as a shift away from it.
- Shift: 6 or more consecutive points all above or all below the median. Points exactly on the
  median neither break a shift nor count towards it.
- Trend: 5 or more consecutive points all going up or all going down. A point equal to the one
  before it neither breaks a trend nor counts towards it.
- Runs: a run is a stretch of points on one side of the median (points on it are skipped).
  With 10 or more useful points (not on the median), too few or too many runs is judged from
  the exact runs distribution (Swed and Eisenhart) at 5% in each tail: the distribution the
  published IHI table of limits comes from.
- Astronomical points are left to the team's judgement and are not flagged.
"""

from dataclasses import dataclass, field
from math import comb
from statistics import median

BASELINE_POINTS = 12
SHIFT_LENGTH = 6
TREND_LENGTH = 5
MIN_USEFUL_FOR_RUNS = 10
RUNS_RISK = 0.05


def baseline_median(values: list[float], baseline_points: int = BASELINE_POINTS) -> float | None:
    """Median of the first `baseline_points` values (all of them when there are fewer)."""
    baseline = values[:baseline_points]
    return float(median(baseline)) if baseline else None


def _side(value: float, centre: float) -> int:
    return (value > centre) - (value < centre)


def shifts(values: list[float], centre: float, length: int = SHIFT_LENGTH) -> list[list[int]]:
    """Indices of each shift: `length`+ consecutive points on one side of `centre`."""
    found, current, side = [], [], 0
    for i, value in enumerate(values):
        s = _side(value, centre)
        if s == 0:
            continue  # on the median: neither breaks nor counts
        if s != side:
            if len(current) >= length:
                found.append(current)
            current, side = [], s
        current.append(i)
    if len(current) >= length:
        found.append(current)
    return found


def trends(values: list[float], length: int = TREND_LENGTH) -> list[list[int]]:
    """Indices of each trend: `length`+ consecutive points all rising or all falling.

    A point equal to its predecessor is ignored (neither breaks nor counts).
    """
    counted = [i for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    found, current, direction = [], counted[:1], 0
    for prev, i in zip(counted, counted[1:], strict=False):
        step = 1 if values[i] > values[prev] else -1
        if step != direction:
            if len(current) >= length:
                found.append(current)
            current, direction = [prev], step
        current.append(i)
    if len(current) >= length:
        found.append(current)
    return found


def runs(values: list[float], centre: float) -> tuple[int, int, int]:
    """(number of runs, useful points above, useful points below) about `centre`."""
    sides = [s for s in (_side(v, centre) for v in values) if s]
    count = sum(1 for a, b in zip(sides, sides[1:], strict=False) if a != b) + (1 if sides else 0)
    return count, sides.count(1), sides.count(-1)


def _runs_probability(r: int, above: int, below: int) -> float:
    """P(exactly r runs) for `above` and `below` points in random order."""
    total = comb(above + below, above)
    k, odd = divmod(r, 2)
    if not odd:
        ways = 2 * comb(above - 1, k - 1) * comb(below - 1, k - 1)
    else:
        ways = comb(above - 1, k - 1) * comb(below - 1, k) + comb(above - 1, k) * comb(
            below - 1, k - 1
        )
    return ways / total


def runs_signal(count: int, above: int, below: int) -> str | None:
    """'too few', 'too many' or None, once there are enough useful points to judge."""
    if above + below < MIN_USEFUL_FOR_RUNS or not above or not below:
        return None
    p_at_most = sum(_runs_probability(r, above, below) for r in range(2, count + 1))
    p_at_least = sum(_runs_probability(r, above, below) for r in range(count, above + below + 1))
    if p_at_most < RUNS_RISK:
        return "too few"
    if p_at_least < RUNS_RISK:
        return "too many"
    return None


@dataclass
class Analysis:
    """What the rules found in a series, ready to draw and to describe in words."""

    median: float | None
    baseline_n: int
    shift_points: set[int] = field(default_factory=set)
    trend_points: set[int] = field(default_factory=set)
    shifts: list[list[int]] = field(default_factory=list)
    trends: list[list[int]] = field(default_factory=list)
    runs: int = 0
    runs_signal: str | None = None

    def sentences(self) -> list[str]:
        """Plain-English findings, one per signal (empty when the chart shows none)."""
        said = [
            f"Shift: {len(s)} points in a row on one side of the median (points {s[0] + 1} to "
            f"{s[-1] + 1})."
            for s in self.shifts
        ]
        said += [
            f"Trend: {len(t)} points in a row going the same way (points {t[0] + 1} to "
            f"{t[-1] + 1})."
            for t in self.trends
        ]
        if self.runs_signal:
            said.append(
                f"{self.runs_signal.capitalize()} runs ({self.runs}) for chance alone: "
                "a sign of non-random variation."
            )
        return said


def analyse(values: list[float], baseline_points: int = BASELINE_POINTS) -> Analysis:
    """Apply every rule to `values` (in time order)."""
    centre = baseline_median(values, baseline_points)
    if centre is None:
        return Analysis(median=None, baseline_n=0)
    found_shifts, found_trends = shifts(values, centre), trends(values)
    count, above, below = runs(values, centre)
    return Analysis(
        median=centre,
        baseline_n=min(len(values), baseline_points),
        shift_points={i for s in found_shifts for i in s},
        trend_points={i for t in found_trends for i in t},
        shifts=found_shifts,
        trends=found_trends,
        runs=count,
        runs_signal=runs_signal(count, above, below),
    )
