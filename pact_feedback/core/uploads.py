"""Uploaded files as text, with a message beside the field when they cannot be read."""


def read_upload(upload, field) -> str | None:
    """The uploaded file as text, or None with a message on `field`."""
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        field.errors.append("The file must be a CSV saved as UTF-8 text")
        return None
