"""One transaction around several actions, and work that must wait for it to be committed.

An action ends with `commit()`. Called on its own (a view or a command that does one thing), it
commits, as `db.session.commit()` would. Inside `with atomic():` it only flushes: the block
commits once at its end, or rolls back every action's writes when anything in it raises. So
actions combine without knowing who calls them (docs/decisions/0003-floors.md).

Side effects that must not happen for writes that are later rolled back (an email carrying an
invitation link) go through `on_commit(fn)`: at once outside a block, after the outermost
commit inside one, never after a rollback.

No savepoints: an exception that leaves an inner block dooms the whole outer one, even when a
caller catches it, because its writes may be half flushed; the outer block then rolls back and
raises `TransactionDoomed` instead of committing them.
"""

from collections.abc import Callable
from contextlib import contextmanager

from pact_feedback.extensions import db

_DEPTH = "pact_atomic_depth"
_DOOMED = "pact_atomic_doomed"
_AFTER = "pact_atomic_after_commit"


class TransactionDoomed(RuntimeError):
    """An atomic block's work failed part-way inside it: nothing of the block was committed."""


def in_atomic_block() -> bool:
    return db.session.info.get(_DEPTH, 0) > 0


@contextmanager
def atomic():
    """Run the block's actions as one transaction (nested blocks join the outermost)."""
    info = db.session.info
    outermost = not in_atomic_block()
    if outermost:
        info[_DOOMED], info[_AFTER] = False, []
    info[_DEPTH] = info.get(_DEPTH, 0) + 1
    try:
        yield
    except BaseException:
        info[_DOOMED] = True
        if outermost:
            _end(commit=False)
        raise
    else:
        if outermost:
            _end(commit=True)
    finally:
        info[_DEPTH] -= 1


def _end(*, commit: bool) -> None:
    info = db.session.info
    after, info[_AFTER] = info.get(_AFTER, []), []
    if commit and not info[_DOOMED]:
        db.session.commit()
        for callback in after:
            callback()
        return
    db.session.rollback()
    if commit:  # the block ran to its end, but something inside it failed and was caught
        raise TransactionDoomed("a step inside this transaction failed; nothing was saved")


def commit() -> None:
    """The end of an action: commit, or inside `atomic()` flush for the block to commit."""
    if in_atomic_block():
        db.session.flush()
    else:
        db.session.commit()


def on_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current work is committed: now outside `atomic()`, after the
    outermost block's commit inside one (and not at all if it rolls back)."""
    if in_atomic_block():
        db.session.info[_AFTER].append(callback)
    else:
        callback()
