"""Participation tests reuse the diary fixtures: a collecting study with consented participants."""

from tests.diary.conftest import diary, make_day  # noqa: F401
