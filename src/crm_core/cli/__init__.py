"""The ``crm-core`` command: demo, daily agenda, record checks, duplicates, reports.

``main(argv)`` is the entry point (``[project.scripts] crm-core``); it returns the exit
status instead of calling ``sys.exit`` so tests can call it directly. Exit statuses:

- 0 — done, nothing to report;
- 1 — done, and the data has problems (``check`` found violations);
- 2 — the command could not run because of its input: bad arguments, a missing or
  unreadable file, a database that cannot be opened. One line on stderr says why; user
  mistakes never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from crm_core.cli import _agenda, _check, _db, _demo, _dispatch, _duplicates, _report
from crm_core.cli._common import EXIT_OK, EXIT_USAGE, UsageError
from crm_core.cli._labels import LOCALES
from crm_core.cli._ui import Ui
from crm_core.errors import CrmCoreError

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace, Ui], int]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``main`` owns the exit status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _output_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    # Accepted before the command and after it. Only the top-level parser has defaults: a
    # command's parser with defaults would write them over what was given before the
    # command ("crm-core --format json report" printed text).
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text" if defaults else argparse.SUPPRESS,
        help="output format (text)",
    )
    parser.add_argument(
        "--locale",
        choices=LOCALES,
        default="zh_CN" if defaults else argparse.SUPPRESS,
        help="language of the output (zh_CN)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``crm-core`` command's argument parser: its commands, options and help texts."""
    common = _Parser(add_help=False)
    _output_options(common, defaults=False)
    parser = _Parser(
        prog="crm-core",
        description="Customer-relations logic for Chinese car dealers: demo, agenda, checks.",
    )
    _output_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    _agenda.register(commands, common)
    _check.register(commands, common)
    _db.register(commands, common)
    _demo.register(commands, common)
    _dispatch.register(commands, common)
    _duplicates.register(commands, common)
    _report.register(commands, common)
    return parser


def _pre_options(args: list[str]) -> tuple[str, str]:
    """``--format`` and ``--locale`` as far as they can be read before a usage error."""
    probe = _Parser(add_help=False)
    probe.add_argument("--format", default="text")
    probe.add_argument("--locale", default="zh_CN")
    try:
        known, _ = probe.parse_known_args(args)
    except UsageError:
        return "text", "zh_CN"
    locale = known.locale if known.locale in LOCALES else "zh_CN"
    return ("json" if known.format == "json" else "text"), locale


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``crm-core`` with ``argv`` (``sys.argv[1:]`` when None); return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except UsageError as exc:
        fmt, locale = _pre_options(args_list)
        Ui(format=fmt, locale=locale).error(f"{exc} (crm-core --help)")
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version print and exit 0
        return exc.code if isinstance(exc.code, int) else 0
    ui = Ui(format=args.format, locale=args.locale)
    handler: Handler = args.handler
    try:
        return handler(args, ui)
    except (UsageError, CrmCoreError) as exc:
        ui.error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        ui.error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as Unix tools do.
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
