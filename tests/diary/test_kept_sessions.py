"""'Keep me signed in on this device': the diary stays open across a clinical day's idle gaps
(14 days from sign-in), while every other page asks for the password after the usual idle
limit; sign-out everywhere and a password change end a kept session. On the app's clock."""

from tests.conftest import PASSWORD, submit
from tests.diary.conftest import make_day
from tests.security.test_sessions import clock  # noqa: F401  (the app-clock fixture)

ACCOUNT = "/account/password"


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
