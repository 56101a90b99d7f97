"""The one CSV writer streams in batches and neutralises formula cells exactly as writing every
cell through `neutralise` would, whether a batch takes the fast way or not."""

import csv
import io
import random

import pytest

from pact_feedback.tabulation import exports


def _cell_by_cell(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([exports.neutralise(h) for h in header])
    writer.writerows([exports.neutralise(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("batch", [1, 3, 2000])
def test_random_cells_are_written_as_cell_by_cell_neutralising_would(monkeypatch, batch):
    monkeypatch.setattr(exports, "BATCH", batch)
    rnd = random.Random(batch)
    alphabet = ["=", "+", "-", "@", "\t", "\r", "\n", ",", '"', "a", " ", "1", "é", "'"]
    for _ in range(400):
        width = rnd.randint(1, 5)
        rows = []
        for _ in range(rnd.randint(0, 30)):
            row = []
            for _ in range(width):
                kind = rnd.random()
                if kind < 0.2:
                    row.append(rnd.randint(-50, 50))
                elif kind < 0.25:
                    row.append(None)
                else:
                    row.append("".join(rnd.choices(alphabet, k=rnd.randint(0, 4))))
            rows.append(row)
        header = [f"h{n}" for n in range(width)]
        assert exports.csv_rows(header, rows) == _cell_by_cell(header, rows), rows


def _spy(monkeypatch) -> list:
    calls = []
    real = exports.neutralise

    def counting(value):
        calls.append(value)
        return real(value)

    monkeypatch.setattr(exports, "neutralise", counting)
    return calls


SAFE = ["D-0123456789", "P-0123456789", "A1", "A", 30, "08:05", None, "0", "1", "admin"]


def test_a_batch_without_formula_cells_is_written_whole(monkeypatch):
    calls = _spy(monkeypatch)
    rows = [SAFE] * 5000
    out = io.StringIO()
    exports.write_csv(out, ["a"] * len(SAFE), rows)
    assert len(calls) == len(SAFE)  # the header only: the rows took the fast way
    assert out.getvalue().encode() == _cell_by_cell(["a"] * len(SAFE), rows)


@pytest.mark.parametrize(
    "cell", ["=cmd|' /C calc'!A0", "-2+3", "+44 20", "@SUM(A1)", "\tx", "\rx", 'x,"=1"', "a\n=1"]
)
def test_one_formula_cell_among_thousands_is_neutralised(monkeypatch, cell):
    monkeypatch.setattr(exports, "BATCH", 1000)
    rows = [list(SAFE) for _ in range(3000)]
    rows[1777][9] = cell
    out = io.StringIO()
    exports.write_csv(out, ["a"] * len(SAFE), rows)
    assert out.getvalue().encode() == _cell_by_cell(["a"] * len(SAFE), rows)
    if cell.startswith(exports.FORMULA_STARTS):
        assert list(csv.reader(io.StringIO(out.getvalue())))[1778][9] == "'" + cell
