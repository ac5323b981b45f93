"""Pieces every ``crm-core`` command shares: exit statuses, argument types, input files."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIMEZONE",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_VIOLATIONS",
    "UsageError",
    "existing_file",
    "iso_date",
    "month",
    "now",
]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


DEFAULT_TIMEZONE = "Asia/Shanghai"


def now(timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The current time in the dealer's timezone. The CLI is the composition root: the one
    place that reads the clock and hands ``now`` to the pure core."""
    return datetime.now(ZoneInfo(timezone))


class UsageError(Exception):
    """The command cannot run with what the user gave it; the message says what to fix."""


def iso_date(value: str) -> date:
    """argparse type: a date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def month(value: str) -> date:
    """argparse type: a month written YYYY-MM; returns its first day."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {value!r}")
    return date(int(match[1]), int(match[2]), 1)


def existing_file(value: str) -> Path:
    """argparse type: a file that exists and can be read."""
    path = Path(value)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"not a file: {value}")
    return path
