"""Uploaded files as text, with a message beside the field when they cannot be read."""

from pact_feedback.core.inputs import UnreadableInput, read_text_file


def read_upload(upload, field) -> str | None:
    """The uploaded file's text (core.inputs.read_text_file: UTF-8, UTF-16 with a BOM or
    Windows-1252), or None with the one-sentence reason added to the form `field`'s errors."""
    try:
        return read_text_file(upload.read())
    except UnreadableInput as refusal:
        field.errors.append(str(refusal))
        return None
