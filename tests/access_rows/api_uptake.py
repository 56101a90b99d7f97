"""The uptake JSON API authenticates by bearer token only: a browser session gets 401.

Which tokens may read it is tested in `tests/surveys/test_uptake_api.py`.
"""

from tests.access_rows import row

ROWS = {"api_v1.uptake": {"GET": row(401, 401, 401, 401, 401)}}
ROWS["api_v1.audit_tables"] = {"GET": row(401, 401, 401, 401, 401)}  # record audits (issue 21)
