"""Password hashing with argon2id, its cost taken from the app config."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# A fixed hash to verify against when the account does not exist, so that a wrong email
# takes as long as a wrong password and sign-in timing does not reveal who has an account.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105  (compared against, never accepted)


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["PASSWORD_HASH_TIME_COST"],
        memory_cost=cfg["PASSWORD_HASH_MEMORY_COST"],
        parallelism=cfg["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or hasher.hash(_DUMMY_PASSWORD), password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False
