"""Driver errors → the library's errors, for both drivers, raw or wrapped by SQLAlchemy.

psycopg is only imported by hosts that installed the ``postgres`` extra, so its errors are
recognised by their ``sqlstate`` rather than by class."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from crm_core.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    RepositoryError,
    ValidationError,
)

_UNIQUE = "23505"
_FOREIGN_KEY = "23503"
_RETRYABLE = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


@contextmanager
def translated(
    what: str, *, missing_reference: type[RepositoryError] = NotFoundError
) -> Iterator[None]:
    """Run a statement, re-raising driver errors as :class:`RepositoryError` subclasses.

    ``missing_reference`` is what a foreign-key failure means here: on insert or update a
    referenced record is missing (:class:`NotFoundError`); on delete the record is
    still referred to (:class:`ConflictError`).
    """
    try:
        yield
    except Exception as exc:
        unbindable = _unbindable(exc)
        if unbindable is not None:
            raise ValidationError(f"{what}: {unbindable}") from exc
        if isinstance(exc, sa.exc.DBAPIError | sqlite3.Error) or _is_psycopg(exc):
            raise _translate(exc, what, missing_reference) from exc
        raise


def _unbindable(exc: Exception) -> str | None:
    """What a value the driver could not bind was, if that is what failed: an argument no
    write check saw (an id with a lone surrogate, a version beyond 64 bits), or a moment
    that is not one in UTC (year 1 at +14:00). Bad input, not a storage failure."""
    cause = exc.orig if isinstance(exc, sa.exc.StatementError) else exc
    if isinstance(cause, UnicodeEncodeError):
        return "text must be Unicode, without lone surrogates"
    if isinstance(cause, OverflowError):
        return f"a value out of the range the database stores ({cause})"
    return None


def _is_psycopg(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] == "psycopg"


def _translate(
    exc: Exception, what: str, missing_reference: type[RepositoryError]
) -> RepositoryError:
    original: BaseException = exc
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        original = exc.orig
    if _is_psycopg(original):
        state = getattr(original, "sqlstate", None) or ""
        detail = str(original).strip()
        if state == _UNIQUE:
            return DuplicateError(f"{what}: already exists ({detail})")
        if state == _FOREIGN_KEY:
            return missing_reference(f"{what}: {_reference_text(missing_reference)} ({detail})")
        if state in _RETRYABLE:
            return ConflictError(f"{what}: concurrent update, try again ({detail})")
        return RepositoryError(f"{what}: {detail}")
    message = str(original)
    if isinstance(original, sqlite3.IntegrityError):
        if "UNIQUE" in message or "PRIMARY KEY" in message:
            return DuplicateError(f"{what}: already exists ({message})")
        if "FOREIGN KEY" in message:
            return missing_reference(f"{what}: {_reference_text(missing_reference)}")
    if isinstance(original, sqlite3.OperationalError) and "locked" in message:
        return ConflictError(f"{what}: the database stayed locked, try again ({message})")
    return RepositoryError(f"{what}: {message}")


def _reference_text(kind: type[RepositoryError]) -> str:
    if issubclass(kind, NotFoundError):
        return "refers to a record that does not exist"
    return "other records still refer to it"
