"""Rows of the access-control matrix, one module per feature.

Each module in this package defines `ROWS` ({endpoint: {method: row(...)}}) and may define
`extend_world(world)`, which adds the feature's objects to the shared world (another
participant's diary day, another practice's survey response...) and the URL values that name
them. `tests/test_access_matrix.py` collects every module, so a feature adds its routes here
without touching the others.
"""

ROLES = ("anonymous", "participant", "lead", "other_lead", "team")


def row(anonymous, participant, lead, other_lead, team):
    return dict(zip(ROLES, (anonymous, participant, lead, other_lead, team), strict=True))


SIGNED_IN_ONLY = row(302, 200, 200, 200, 200)
EVERYONE = row(200, 200, 200, 200, 200)
TEAM_PAGE = row(302, 403, 403, 403, 200)
TEAM_FORM = row(302, 403, 403, 403, 422)
OWN_PRACTICE_PAGE = row(302, 404, 200, 404, 200)
OWN_PRACTICE_FORM = row(302, 404, 422, 404, 422)
OWN_PARTICIPATION_PAGE = row(302, 200, 404, 404, 404)
OWN_PARTICIPATION_FORM = row(302, 422, 404, 404, 404)
DEAD_LINK = row(410, 410, 410, 410, 410)
