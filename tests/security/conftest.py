"""The access matrix's world (two practices, a participant, leads, the study team and every
feature's objects) serves the security tests too."""

from tests.test_access_matrix import world  # noqa: F401  (a fixture)
