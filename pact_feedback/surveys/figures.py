"""The uptake figures of one wave: SQL frames from queries, tabulated by pure functions."""

import json
from itertools import chain, repeat

import numpy as np
import pandas as pd

from pact_feedback.reports.build import cycle_collection_paused
from pact_feedback.surveys import queries
from pact_feedback.tabulation.uptake import tabulate

ROLE_QUESTION = "respondent_role"
SCALE = [(str(n), str(n)) for n in range(1, 6)]


def tabulated_questions(survey) -> dict[str, list[tuple[str, str]]]:
    """Every one-answer question (single choice, 1-5 scale) with its (code, label) choices, in
    survey order (several-answers questions are tabulated as mentions beside them)."""
    return {
        q.code: SCALE if q.type == "scale_1_5" else [(c.code, c.label) for c in q.choices]
        for q in survey.questions
        if q.type in ("single", "scale_1_5")
    }


def _as_list(value):
    """A several-answers answer from the database: a list, or its JSON text (by database)."""
    if value is None or isinstance(value, list):
        return value
    return json.loads(value)


def _each_distinct(column, convert):
    """`convert` applied to each distinct answer once (None stays None), as an object column."""
    values = column.to_numpy(dtype=object)
    converted = {v: convert(v) for v in dict.fromkeys(values.tolist()) if v is not None}
    if column.dtype == object and all(type(v) is str and v == c for v, c in converted.items()):
        return column  # every answer already as `convert` gives it (the usual case)
    out = np.array([None if v is None else converted[v] for v in values.tolist()], dtype=object)
    return pd.Series(out, index=column.index, dtype=object, copy=False)


class _AsTheDatabaseWould(Exception):
    """An answer whose text each database writes its own way: take the database's."""


def _whole_number(digits: str) -> int:
    if digits == "-0" or len(digits) > 15:  # "-0" stays "-0" on PostgreSQL; huge ones turn real
        raise _AsTheDatabaseWould
    return int(digits)


_DECODER = json.JSONDecoder(parse_int=_whole_number)
_PLAIN = json.JSONDecoder()  # every number as Python reads it, in C
TEXT_OR_WHOLE = {str, int, type(None)}
LIST_OR_NONE = {list, type(None)}


def answers_from_json(rows, codes, multiple) -> pd.DataFrame | None:
    """The answers `compute_uptake` tabulates, from `queries.answers_json` rows, parsed in
    Python (`_decode_each`): the frame of `queries.answers_frame(survey, codes)` with the
    several-answers questions (`multiple`) as lists. Exactly that frame when every answer is
    text or a whole number, or (several answers) a list of text, as the app saves them; None
    for anything else (true/false, decimals, objects), which the databases turn into text
    differently (SQLite 1, PostgreSQL true), so the caller asks the database instead."""
    if not rows:
        return None
    practice_ids, waves, texts = zip(*rows, strict=True)
    if None in texts:
        texts = ["{}" if t is None else t for t in texts]
    try:
        # Numbers are read in C first; only a 0 (which may have been written "-0") makes the
        # texts be read again with `_whole_number` looking at each number's digits.
        columns = _answer_columns(_decode_each(texts, _PLAIN), codes, multiple, zero=_ZERO)
        if columns is _ZERO:
            columns = _answer_columns(_decode_each(texts), codes, multiple)
    except _AsTheDatabaseWould:
        return None
    if columns is None:
        return None
    frame = {
        "practice_id": np.array(practice_ids, dtype=np.int64),
        "wave": np.array(waves, dtype=np.int64),
    }
    for code, values in zip(codes, columns, strict=True):
        frame[code] = pd.Series(values, dtype=object)  # lists stay one cell each
    return pd.DataFrame(frame)


_ZERO = object()  # `_answer_columns`: a whole number 0 among the answers


def _answer_columns(parsed: list, codes, multiple, *, zero=None):
    """Each code's answers (a list per code, in `codes` order) from the decoded texts; None
    when an answer is not one `answers_from_json` reads as the database would. `zero`, when
    given, is returned for a whole-number answer 0, for texts decoded without `_whole_number`
    (only it tells "0" from "-0")."""
    if set(map(type, parsed)) != {dict}:
        return None
    columns = []
    for code in codes:
        values = list(map(dict.get, parsed, repeat(code)))  # no Python loop per row
        kinds = set(map(type, values))
        if code in multiple:
            if not kinds <= LIST_OR_NONE:
                return None
            if not set(map(type, chain.from_iterable(filter(None, values)))) <= {str}:
                return None
        elif not kinds <= TEXT_OR_WHOLE:
            return None
        elif int in kinds:  # a whole number: its digits, as both databases give it
            whole = [v for v in values if type(v) is int]
            if zero is not None and 0 in whole:
                return zero
            if max(len(str(min(whole))), len(str(max(whole)))) > 15:  # PostgreSQL: real
                return None
            values = [str(v) if type(v) is int else v for v in values]
        columns.append(values)
    return columns


def _decode_each(texts, decoder=None) -> list:
    """Each JSON text decoded, in one call as the items of one array: a sixth of the cost of a
    call per row, and each answer code becomes one string shared by every row, which makes
    looking answers up by code cheaper too. The texts are what the app's JSON serializer
    wrote, one value each; should they not make exactly one item each, every text is decoded
    on its own (raising where that text is not JSON). `decoder`: `_DECODER` by default."""
    decoder = decoder or _DECODER
    try:
        parsed = decoder.decode("[" + ",".join(texts) + "]")
    except json.JSONDecodeError:
        parsed = None
    if parsed is None or len(parsed) != len(texts):
        return list(map(decoder.decode, texts))
    return parsed


def compute_uptake(study, survey, number: int):
    """The tabulated uptake of wave `number` (the wave must exist)."""
    # Tens of thousands of rows, answers and lists, alive until the figures are done and in
    # no cycle: a collection would walk them (and the whole app) for nothing.
    with cycle_collection_paused():
        return _uptake(study, survey, number)


def _uptake(study, survey, number: int):
    tabulated = tabulated_questions(survey)
    multiple = {
        q.code: [(c.code, c.label) for c in q.choices]
        for q in survey.questions
        if q.type == "multiple"
    }
    role = next((q for q in survey.questions if q.code == ROLE_QUESTION), None)
    role_labels = {c.code: c.label for c in role.choices} if role else None
    codes = tuple(dict.fromkeys((*tabulated, ROLE_QUESTION, *multiple)))
    sent = queries.sent_frame(study)
    rows = queries.answers_json(survey, sent_ids=sent["practice_id"].to_numpy())
    answers = answers_from_json(rows, codes, multiple)
    if answers is None:  # an answer only the database's own extraction renders exactly
        answers = queries.answers_frame(survey, codes=codes)
        for code in multiple:
            answers[code] = answers[code].map(_as_list)
    for code, choices in tabulated.items():
        if choices is SCALE:  # JSON numbers come back as numbers or text, by database
            answers[code] = _each_distinct(answers[code], lambda v: str(int(v)))
    return tabulate(sent, answers, number, tabulated, role_labels, multiple=multiple)
