"""Small text helpers shared by forms."""


def strip_whitespace(value):
    """WTForms filter: people paste addresses with spaces around them."""
    return value.strip() if isinstance(value, str) else value
