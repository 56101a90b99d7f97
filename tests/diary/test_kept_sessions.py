"""'Keep me signed in on this device': the diary stays open across a clinical day's idle gaps
(14 days from sign-in), while every other page asks for the password after the usual idle
limit; sign-out everywhere and a password change end a kept session. The kept session's token
rotates (a new one at the first use after an hour; the old one still counts for 2 minutes, for
requests already in flight) and an old token used after that ends the session on every device
that holds it. On the app's clock."""

from sqlalchemy import select

from pact_feedback.accounts.models import UserSession
from pact_feedback.audit.models import AuditEvent
from pact_feedback.extensions import db
from tests.conftest import PASSWORD, submit
from tests.diary.conftest import make_day
from tests.security.test_sessions import clock  # noqa: F401  (the app-clock fixture)

ACCOUNT = "/account/password"
COOKIE = "pact_session"


def _sign_in(client, user, *, keep):
    data = {"email": user.email, "password": PASSWORD} | ({"keep_signed_in": "y"} if keep else {})
    assert submit(client, "/account/sign-in", data).status_code == 302


def _opens(client, url) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def test_a_kept_session_keeps_the_diary_open_but_not_other_pages(client, diary, clock):  # noqa: F811
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    clock.advance(hours=3)  # a morning surgery without touching the diary
    assert _opens(client, day)
    assert _opens(client, "/")  # the home page, with "Continue today's diary"
    assert not _opens(client, ACCOUNT)  # the account page wants the password again
    assert not _opens(client, f"/take-part/{diary.study.slug}/consent")
    clock.advance(days=13)
    assert _opens(client, day)
    clock.advance(days=1, minutes=1)  # 14 days after sign-in: over
    assert not _opens(client, day)


def test_other_pages_stay_open_while_used(client, diary, clock):  # noqa: F811
    """The idle limit of the other pages counts from their own last use, not the diary's."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    clock.advance(minutes=20)
    assert _opens(client, ACCOUNT)
    clock.advance(minutes=20)
    assert _opens(client, ACCOUNT)  # 40 minutes after sign-in, 20 since last use
    clock.advance(minutes=20)
    assert _opens(client, day)  # the diary does not count as use of the other pages...
    clock.advance(minutes=11)
    assert not _opens(client, ACCOUNT)  # ...so 31 minutes later they ask again
    _sign_in(client, diary.me, keep=True)
    assert _opens(client, ACCOUNT)


def test_without_keep_the_diary_times_out_like_every_page(client, diary, clock):  # noqa: F811
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=False)
    clock.advance(minutes=31)
    assert not _opens(client, day)


def test_sign_out_everywhere_ends_a_kept_session(app, client, diary, clock):  # noqa: F811
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    phone = app.test_client()
    _sign_in(phone, diary.me, keep=True)
    _sign_in(client, diary.me, keep=False)
    response = submit(client, "/account/sign-out-everywhere", {}, form_url=ACCOUNT)
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert not _opens(client, day)
    assert not _opens(phone, day)


def test_a_password_change_ends_a_kept_session(app, client, diary, clock):  # noqa: F811
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    phone = app.test_client()
    _sign_in(phone, diary.me, keep=True)
    _sign_in(client, diary.me, keep=False)
    new = "a-new-long-password-2026"
    data = {"current_password": PASSWORD, "password": new, "confirm": new}
    assert submit(client, ACCOUNT, data).status_code == 302
    assert not _opens(phone, day)
    assert _opens(client, day)


def _sid(app, client) -> str:
    """The session token the browser's signed cookie carries."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie(COOKIE).value)["sid"]


def _holding(app, cookie_value):
    """Another browser holding a copy of a cookie (an earlier one, or a stolen one)."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie_value)
    return other


def test_a_kept_session_gets_a_new_token_after_an_hour_of_use(app, client, diary, clock):  # noqa: F811
    """Used within the hour, the token stays; the first use after it issues a new one."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    first = _sid(app, client)
    clock.advance(minutes=50)
    assert _opens(client, day)
    assert _sid(app, client) == first
    clock.advance(minutes=11)  # an hour after sign-in
    assert _opens(client, day)
    second = _sid(app, client)
    assert second != first
    clock.advance(hours=20)  # overnight: the next morning's first use rotates again
    assert _opens(client, day)
    assert _sid(app, client) not in (first, second)


def test_a_request_in_flight_with_the_old_token_still_counts_for_two_minutes(
    app,
    client,
    diary,
    clock,  # noqa: F811
):
    """A page's requests sent just before the new token arrived (the offline queue, another tab)
    are not refused, and their answers leave the browser's newer cookie alone."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    before = client.get_cookie(COOKIE).value
    clock.advance(hours=2)
    assert _opens(client, day)  # rotates
    in_flight = _holding(app, before)
    clock.advance(seconds=30)
    response = in_flight.get(day)
    assert response.status_code == 200
    assert COOKIE not in response.headers.get("Set-Cookie", "")
    assert _opens(client, day)


def test_an_old_token_used_after_rotation_ends_the_session_everywhere(app, client, diary, clock):  # noqa: F811
    """A copy of the cookie taken before a rotation, used after it, is refused, and the phone's
    own session ends too: one of the two holders is not the participant."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    stolen = client.get_cookie(COOKIE).value
    clock.advance(hours=2)
    assert _opens(client, day)  # the phone gets a new token...
    clock.advance(minutes=30)
    assert _opens(client, day)  # ...and uses it
    assert not _opens(_holding(app, stolen), day)
    assert not _opens(client, day)
    row = db.session.scalar(select(UserSession).filter_by(user_id=diary.me.id))
    assert row.revoked_at is not None
    reuse = select(AuditEvent).filter_by(action="kept_session_token_reused")
    assert db.session.scalar(reuse) is not None


def test_a_thief_who_rotates_first_loses_the_session_when_the_phone_comes_back(
    app,
    client,
    diary,
    clock,  # noqa: F811
):
    """The stolen copy used first gets the new token; the phone's next use ends both."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    thief = _holding(app, client.get_cookie(COOKIE).value)
    clock.advance(hours=2)
    assert _opens(thief, day)  # rotated: the thief holds the new token
    clock.advance(minutes=5)
    assert _opens(thief, day)
    assert not _opens(client, day)  # the phone's old token: reuse
    assert not _opens(thief, day)


def test_a_new_token_whose_answer_was_lost_is_issued_again(app, client, diary, clock):  # noqa: F811
    """A phone that lost the answer carrying its new token (a dropped connection) still has
    the old one; as long as the new one was never used, the old one gets another new one."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    phone = _holding(app, client.get_cookie(COOKIE).value)
    clock.advance(hours=2)
    assert _opens(client, day)  # the server rotates; the phone never hears of it
    lost = _sid(app, client)
    clock.advance(minutes=10)
    assert _opens(phone, day)
    assert _sid(app, phone) not in (lost, _sid(app, client))
    assert not _opens(client, day)  # the lost token is no longer any good


def test_a_session_without_keep_does_not_rotate(app, client, diary, clock):  # noqa: F811
    """Without keep the session lasts at most the idle and absolute limits: nothing to rotate."""
    _sign_in(client, diary.me, keep=False)
    first = _sid(app, client)
    for _ in range(5):
        clock.advance(minutes=25)
        assert _opens(client, "/")
    assert _sid(app, client) == first


def test_signing_out_with_the_token_just_replaced_ends_the_session(app, client, diary, clock):  # noqa: F811
    """Sign-out sent in flight with the old token ends the session, and its answer replaces
    the cookie like any sign-out's (no session token in it)."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    assert _opens(client, day)  # a page with forms: the session has its form token
    in_flight = _holding(app, client.get_cookie(COOKIE).value)
    clock.advance(hours=2)
    assert _opens(client, day)  # rotates
    response = submit(in_flight, "/account/sign-out", {}, form_url="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in"
    assert COOKIE in response.headers.get("Set-Cookie", "")
    serializer = app.session_interface.get_signing_serializer(app)
    assert "sid" not in serializer.loads(in_flight.get_cookie(COOKIE).value)
    assert not _opens(client, day)


def test_sign_out_after_an_idle_gap_ends_a_kept_session(client, diary, clock):  # noqa: F811
    """ "Sign out" on the diary after the other pages' idle limit signs out; it does not send
    the person to the sign-in page with the diary still signed in on the device."""
    day = f"{diary.base}/{make_day(diary.me, diary.study, diary.practice).id}"
    _sign_in(client, diary.me, keep=True)
    clock.advance(hours=3)
    assert _opens(client, day)
    response = submit(client, "/account/sign-out", {}, form_url=day)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in"
    assert not _opens(client, day)
