"""Fixtures for the fuzz tests: the access matrix's world and the diary's collecting study."""

from tests.diary.conftest import diary  # noqa: F401  (a fixture)
from tests.test_access_matrix import world  # noqa: F401  (a fixture)
