"""Output for the ``crm-core`` command: text tables (rich when installed), JSON, progress.

Every command builds a JSON-ready result first and renders it second, so ``--format json``
prints exactly the data the text tables show. Progress bars go to stderr and only when
stderr is a terminal, so redirected output stays clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any, Protocol

from crm_core.cli._labels import code_label, label

__all__ = ["Progress", "Ui"]


class Progress(Protocol):
    def advance(self, steps: int = 1) -> None: ...


class _NoProgress:
    def advance(self, steps: int = 1) -> None:
        del steps


class _RichProgress:
    def __init__(self, progress: Any, task: Any) -> None:
        self._progress = progress
        self._task = task

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


class Ui:
    """Where a command writes: ``format`` is ``text`` or ``json``, ``locale`` picks labels."""

    def __init__(
        self,
        *,
        format: str = "text",
        locale: str = "zh_CN",
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.format = format
        self.locale = locale
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        self._console: Any = None
        try:
            from rich.console import Console
        except ImportError:  # the `cli` extra is not installed: plain text still works
            return
        # Redirected output gets a wide console so that tables are not folded.
        interactive = getattr(self.out, "isatty", lambda: False)()
        self._console = Console(file=self.out, highlight=False, width=None if interactive else 200)

    @property
    def json(self) -> bool:
        return self.format == "json"

    def t(self, key: str, **values: object) -> str:
        return label(key, self.locale, **values)

    def code(self, kind: str, code: str) -> str:
        """A code of the host's data in the operator's language where the standards name
        it (see :func:`~crm_core.cli._labels.code_label`)."""
        return code_label(kind, code, self.locale)

    # -- text ------------------------------------------------------------------------------

    def line(self, text: str = "") -> None:
        if self._console is not None:
            self._console.print(text, markup=False)
        else:
            print(text, file=self.out)

    def heading(self, text: str) -> None:
        if self._console is not None:
            self._console.print(f"[bold]{_escape(text)}[/bold]")
        else:
            print(text, file=self.out)
            print("=" * min(60, _width(text)), file=self.out)

    def table(
        self, columns: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None
    ) -> None:
        cells = [["" if v is None else str(v) for v in row] for row in rows]
        if self._console is not None:
            from rich.table import Table

            table = Table(title=title, title_justify="left", show_lines=False)
            for column in columns:
                table.add_column(column, overflow="fold")
            for row in cells:
                table.add_row(*(_escape(c) for c in row))
            self._console.print(table)
            return
        if title:
            print(title, file=self.out)
        widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]
        print("  ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)), file=self.out)
        for row in cells:
            print("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)), file=self.out)

    def error(self, message: str) -> None:
        """One line on stderr: what went wrong, no traceback."""
        print(f"crm-core: {self.t('error')}: {message}", file=self.err)

    def print_json(self, data: object) -> None:
        json.dump(data, self.out, ensure_ascii=False, indent=2, default=_default)
        self.out.write("\n")

    # -- progress --------------------------------------------------------------------------

    @contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Progress]:
        interactive = getattr(self.err, "isatty", lambda: False)()
        if not interactive or self._console is None:
            yield _NoProgress()
            return
        from rich.console import Console
        from rich.progress import Progress as RichProgress

        with RichProgress(console=Console(file=self.err), transient=True) as bar:
            task = bar.add_task(description, total=total)
            yield _RichProgress(bar, task)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
