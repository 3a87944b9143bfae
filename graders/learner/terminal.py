"""Showing the grader's text to a person: colour on a terminal, plain text everywhere else.

A report (graders/engine/report.py) comes as lines that know what they are: each is coloured by
its kind and label, and wrapped under its label, never by reading its text. What is plain text
only (a hint, the progress) is shown as it is, with `code` in bold. The coloured and the plain
output never say different things. Colour is used when the output is a terminal, or when
FORCE_COLOR is set, and never when NO_COLOR is set (https://no-color.org) or `--color never` is
given.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import textwrap
from typing import Literal, TextIO

from rich.console import Console
from rich.text import Text

from graders.engine.report import Line

ColourMode = Literal["auto", "always", "never"]
COLOUR_MODES: tuple[ColourMode, ...] = ("auto", "always", "never")

LABEL_STYLES: dict[str, str] = {
    "✓": "bold green", "✗": "bold red", "expected": "cyan", "actual": "yellow",
    "why": "magenta", "try": "bold green", "first": "bold blue",
}
"""The style of a line's label, by the label."""
KIND_STYLES: dict[str, str] = {"title": "bold", "printed": "dim", "aside": "dim"}
"""The style of a whole line, by what it is."""
CHART_STYLES: dict[str, str] = {
    "█": "green", "░": "blue", "▒": "bold red", "├": "dim", "┼": "dim", "┤": "dim", "─": "dim",
}
"""A chart's alphabet (graders/kit/timeline.py): what ran, waited, was late; the axis."""
INLINE_CODE = re.compile(r"`[^`\n]+`")
"""`code` in prose, shown in bold."""
HINT_HEADER = re.compile(r"(?m)^\s*(Hint \d+ of \d+.*)$")

_PREFORMATTED = re.compile(r"[│├┼┤█░▒]|^\s*\|")
_LABEL = re.compile(r"^(\s*)((?:expected|actual|why|try|first):\s+)?")


def wants_colour(mode: ColourMode, stream: TextIO) -> bool:
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def wrap(text: str, width: int) -> str:
    """Long lines of prose wrapped to `width`, under their label; charts and code left alone."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width or _PREFORMATTED.search(line):
            out.append(line)
            continue
        match = _LABEL.match(line)
        indent = match.group(1) + " " * len(match.group(2) or "")
        out.extend(textwrap.wrap(line, width=width, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False) or [line])
    return "\n".join(out)


class Output:
    """Where the commands write for a person: stdout, coloured or not."""

    def __init__(self, mode: ColourMode = "auto", stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.colour = wants_colour(mode, self.stream)
        self.is_terminal = self.stream.isatty()
        self._console: Console | None = None
        if self.colour:
            self._console = Console(
                file=self.stream, force_terminal=True, highlight=False, soft_wrap=True,
                emoji=False, markup=False,
                color_system="standard" if not self.is_terminal else "auto",
            )

    @property
    def width(self) -> int:
        return shutil.get_terminal_size((100, 24)).columns

    def show(self, text: str) -> None:
        """Print plain `text`: wrapped to the terminal's width on a terminal, coloured if
        wanted."""
        if self.is_terminal:
            text = wrap(text, max(60, self.width - 1))
        self._print(text, styled(text) if self._console is not None else None)

    def show_lines(self, lines: list[Line]) -> None:
        """Print a report's lines, each wrapped under its label on a terminal and coloured by
        what it is."""
        width = max(60, self.width - 1) if self.is_terminal else None
        rich_lines = [part for line in lines for part in styled_line(line, width)]
        plain = "\n".join(part.plain for part in rich_lines)
        self._print(plain, Text("\n").join(rich_lines) if self._console is not None else None)

    def running(self, what: str) -> None:
        """Say on one line, replaced by the next, what is being done now; on a terminal only:
        piped output gets nothing extra."""
        if not self.is_terminal:
            return
        line = f"  … {what}"[: max(10, self.width - 1)]
        with contextlib.suppress(OSError, ValueError):
            print(f"\r\033[K{line}", end="", file=self.stream, flush=True)

    def done_running(self) -> None:
        """Clear the line `running` wrote."""
        if self.is_terminal:
            with contextlib.suppress(OSError, ValueError):
                print("\r\033[K", end="", file=self.stream, flush=True)

    def _print(self, plain: str, coloured: Text | None) -> None:
        try:
            if self._console is None or coloured is None:
                print(plain, file=self.stream, flush=True)
            else:
                self._console.print(coloured)
                self.stream.flush()
        except BrokenPipeError:
            self._reader_left()

    def _reader_left(self) -> None:
        """The reader stopped reading (`| head`): say nothing more, but let the command finish,
        so that its --json file, progress and exit status stay right."""
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self.stream.fileno())  # what is still buffered goes nowhere too
        except (OSError, ValueError):
            pass
        finally:
            os.close(devnull)

    def clear(self) -> None:
        """A fresh screen, on a terminal only (watch mode)."""
        if self.is_terminal:
            print("\033[2J\033[H", end="", file=self.stream, flush=True)


def styled(text: str) -> Text:
    """Plain text, coloured only where it says so itself: `code`, and a hint's header."""
    rich_text = Text(text)
    rich_text.highlight_regex(INLINE_CODE, "bold")
    rich_text.highlight_regex(HINT_HEADER, "bold yellow")
    return rich_text


def styled_line(line: Line, width: int | None) -> list[Text]:
    """One report line as coloured text: several lines when it wraps to `width`."""
    text = Text(line.head)
    if line.label:
        label_end = len(line.head.rstrip()) if line.kind != "check" else len(line.head) - 1
        text.stylize(LABEL_STYLES.get(line.label, ""), line.indent, label_end)
    body = Text(line.text, style=KIND_STYLES.get(line.kind, ""))
    if line.kind == "chart":
        for index, char in enumerate(line.text):
            if char in CHART_STYLES:
                body.stylize(CHART_STYLES[char], index, index + 1)
    elif line.wraps:
        body.highlight_regex(INLINE_CODE, "bold")
    text.append_text(body)
    text.rstrip()
    if width is None or not line.wraps or len(text) <= width:
        return [text]
    return _wrapped(text, width, line.hang)


def _wrapped(text: Text, width: int, hang: int) -> list[Text]:
    """`text` cut at spaces into lines of at most `width`, the later ones indented by `hang`."""
    plain, lines, start = text.plain, [], 0
    limit = width
    while len(plain) - start > limit:
        cut = plain.rfind(" ", start + 1, start + limit + 1)
        if cut <= start or not plain[start:cut].strip():
            cut = plain.find(" ", start + limit)  # a word longer than the line: leave it whole
            if cut == -1:
                break
        piece = text[start:cut]
        piece.rstrip()
        lines.append(piece)
        start = cut + 1
        while start < len(plain) and plain[start] == " ":
            start += 1
        limit = width - hang
    rest = text[start:]
    lines.append(rest)
    return [lines[0], *(Text(" " * hang) + piece for piece in lines[1:])]
