"""Governance tests reuse the diary fixtures: a collecting study with a consented participant."""

from tests.diary.conftest import diary, make_day  # noqa: F401
