"""What the app accepts from outside, checked once at the edge: JSON of bounded nesting holding
well-formed text, and uploaded text files in an encoding we can name.

Infrastructure: imports nothing from the features, so every package can use it."""

import codecs
import json
import re
from pathlib import Path
from typing import NamedTuple

import click

MAX_JSON_DEPTH = 32  # an entry is 1 level deep; nothing the app accepts needs more than 3
MAX_JSON_BYTES = 256 * 1024  # a diary entry is ~300 bytes; files come as multipart uploads

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


class UnreadableInput(ValueError):
    """Input the app will not read; the message is one sentence that can be shown as it is."""


def json_too_deep(data: bytes) -> bool:
    """Whether arrays and objects in `data` nest more than MAX_JSON_DEPTH levels, found without
    parsing it (brackets inside strings do not count)."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return False  # the usual body: too few brackets to be too deep
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", data)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


def loads_json(data: bytes | str):
    """Parse JSON, refusing (UnreadableInput) deep nesting before parsing, and, after it, text
    that is not well-formed Unicode (a lone surrogate such as "\\ud800" cannot be stored)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_JSON_BYTES:
        raise UnreadableInput(f"The JSON body is larger than {MAX_JSON_BYTES // 1024} KB.")
    if json_too_deep(raw):
        raise UnreadableInput(f"The JSON nests more than {MAX_JSON_DEPTH} levels deep.")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise UnreadableInput("The body is not valid JSON.") from error
    for text in json_strings(value):
        check_text(text)
    return value


def json_strings(value):
    """Every string (keys too) in parsed JSON, walked without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_text(text: str) -> str:
    """`text` if it is well-formed Unicode; UnreadableInput for a lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableInput("The text holds a character that is not valid Unicode.") from None
    return text


# Uploaded text files ----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Bytes cp1252 leaves undefined: a file holding them is not Windows-1252 text.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def read_text_file(raw: bytes, *, what: str = "The file") -> str:
    """The text of an uploaded or named file: UTF-8 (with or without a BOM), UTF-16 or UTF-32
    with a BOM, or Windows-1252 (which covers Latin-1's printable characters: what Excel on
    Windows saves as "CSV"). Anything else is refused with one sentence naming what was found,
    so every import (web and command line) says the same thing."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                raise UnreadableInput(
                    f"{what} starts like {name} text but is not valid {name}. "
                    "Save it as CSV UTF-8 and try again."
                ) from None
            return _checked(text, what)
    sample = raw[:200]
    if sample.count(0) * 4 >= len(sample) > 1:  # ASCII as UTF-16: every other byte is NUL
        raise UnreadableInput(
            f"{what} looks like UTF-16 text without a byte order mark. "
            "Save it as CSV UTF-8 and try again."
        )
    try:
        return _checked(raw.decode("utf-8"), what)
    except UnicodeDecodeError:
        pass
    if _CP1252_UNDEFINED.search(raw):
        raise UnreadableInput(
            f"{what} is not UTF-8 or Windows-1252 text (it may be a spreadsheet or another "
            "encoding). Save it as CSV UTF-8 and try again."
        )
    return _checked(raw.decode("cp1252"), what)


def _checked(text: str, what: str) -> str:
    if "\x00" in text:
        raise UnreadableInput(f"{what} holds a NUL character, which no text file has.")
    return text


class NamedText(NamedTuple):
    name: str
    text: str


class TextFile(click.Path):
    """A command-line file argument read with read_text_file: the command gets its name and
    text, and a file in an encoding we cannot name stops with one sentence, not a traceback."""

    name = "text file"

    def __init__(self):
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx) -> NamedText:
        if isinstance(value, NamedText):
            return value
        path = super().convert(value, param, ctx)
        try:
            return NamedText(path.name, read_text_file(path.read_bytes(), what=path.name))
        except UnreadableInput as refusal:
            self.fail(str(refusal), param, ctx)
