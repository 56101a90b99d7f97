"""The API's tests use the diary's fixtures: a study collecting, a consented participant."""

from tests.diary.conftest import diary  # noqa: F401  (a fixture, shared with tests/diary)
