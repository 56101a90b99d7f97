"""An intruder who reads every uptake table of a wave and does arithmetic on them.

The tau-Argus audit idea: every published number is a linear relation between cells (a
group's answers add up to the group; a dimension's groups add up to the overall table; a
nation's regions add up to the nation), each withheld cell is an unknown (a listed group has
at least one practice; counts are never negative), and linear programming
(`scipy.optimize.linprog`, min and max) gives the tightest interval the published numbers
allow for each withheld cell. A withheld count is protected when that interval holds more
than one whole number; a withheld zero is not sensitive (nobody gave that answer: the rule
disclosure.py applies to empty cells).
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from pact_feedback.tabulation.breakdowns import BREAKDOWNS

BLOCKS = [("nation", "region"), *[(by,) for by in BREAKDOWNS if by not in ("nation", "region")]]


@dataclass(frozen=True)
class Unknown:
    index: int


@dataclass(frozen=True)
class Exposure:
    cell: str
    true_value: int
    low: float
    high: float


class LinearProblem:
    """Unknowns (withheld cells) tied to published numbers by equations."""

    def __init__(self):
        self.names: list[str] = []
        self.lower: list[float] = []
        self.equations: list[tuple[dict[int, float], float]] = []

    def unknown(self, name: str, lower: float) -> Unknown:
        self.names.append(name)
        self.lower.append(lower)
        return Unknown(len(self.names) - 1)

    def equal(self, parts: list, whole) -> None:
        """sum(parts) == whole; each term is an Unknown or a published number."""
        coefficients: dict[int, float] = {}
        constant = 0.0
        for sign, terms in ((1.0, parts), (-1.0, [whole])):
            for term in terms:
                if isinstance(term, Unknown):
                    coefficients[term.index] = coefficients.get(term.index, 0.0) + sign
                else:
                    constant -= sign * float(term)
        if any(coefficients.values()):
            self.equations.append((coefficients, constant))

    def intervals(self) -> list[tuple[float, float]]:
        """(min, max) of every unknown over everything published."""
        n = len(self.names)
        a_eq = np.zeros((len(self.equations), n))
        b_eq = np.array([constant for _, constant in self.equations])
        for row, (coefficients, _) in enumerate(self.equations):
            for j, value in coefficients.items():
                a_eq[row, j] = value
        limits = [(low, None) for low in self.lower]
        found = []
        for j in range(n):
            objective = np.zeros(n)
            objective[j] = 1.0
            low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs")
            high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs")
            assert low.status == 0, (self.names[j], low.message)
            found.append((low.fun, math.inf if high.status == 3 else -high.fun))
        return found


def pinned(low: float, high: float) -> bool:
    """The interval holds one whole number only."""
    return math.floor(high + 1e-6) <= math.ceil(low - 1e-6)


def _cell(problem, table: pd.DataFrame, group, column: str, lower: float, name: str):
    if table.loc[group, "withheld"]:
        return problem.unknown(name, lower)
    return int(table.loc[group, column])


def audit_question(uptake, code: str, choices: list[str], region_nation: dict, truth) -> list:
    """Exposed withheld cells of question `code` over every breakdown of the page.

    `region_nation`: the nation of each region (public knowledge). `truth(by, group, column)`:
    the real count behind a withheld cell, to judge it (the intruder never sees it).
    """
    overall = uptake.tables[code]
    totals = [int(overall.loc[c, "n"]) for c in choices]
    everyone = int(overall["n_responded"].iloc[0])
    exposed = []
    for block in BLOCKS:
        problem, cells = LinearProblem(), {}
        for by in block:
            table = uptake.breakdowns[(code, by)]
            for group in table.index:
                size = _cell(problem, table, group, "n_responded", 1, f"{by}|{group}|n_responded")
                parts = [
                    _cell(problem, table, group, f"n_{c}", 0, f"{by}|{group}|n_{c}")
                    for c in choices
                ]
                cells[by, group] = (size, parts)
                problem.equal(parts, size)
        for by in block:
            # The regions of a withheld nation are not listed: that nation stands in for them.
            rows = [cells[key] for key in cells if key[0] == by]
            if by == "region":
                listed = {region_nation.get(g) for (b, g) in cells if b == "region"}
                rows += [cells[k] for k in cells if k[0] == "nation" and k[1] not in listed]
            if not rows:
                continue  # the whole table is withheld: nothing listed
            problem.equal([size for size, _ in rows], everyone)
            for i, total in enumerate(totals):
                problem.equal([parts[i] for _, parts in rows], total)
        if "region" in block:
            regions = [g for (b, g) in cells if b == "region"]
            for nation in uptake.breakdowns[(code, "nation")].index:
                inside = [g for g in regions if region_nation.get(g) == nation]
                if not inside:
                    continue
                size, parts = cells["nation", nation]
                problem.equal([cells["region", g][0] for g in inside], size)
                for i, part in enumerate(parts):
                    problem.equal([cells["region", g][1][i] for g in inside], part)
        if not problem.names:
            continue
        for name, (low, high) in zip(problem.names, problem.intervals(), strict=True):
            by, group, column = name.split("|")
            value = truth(by, group, column)
            if value > 0 and pinned(low, high):
                exposed.append(Exposure(f"{code}: {by} {group} {column}", value, low, high))
    return exposed
