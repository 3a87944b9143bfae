"""Showing the grader's text to a person: colour on a terminal, plain text everywhere else.

Everything the grader says is built as plain text first (the JSON results carry exactly that
text); on a terminal, `rich` only colours it, by patterns, so the coloured and the plain output
never say different things. Colour is used when the output is a terminal, or when FORCE_COLOR is
set, and never when NO_COLOR is set (https://no-color.org) or `--color never` is given.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from typing import Literal, TextIO

from rich.console import Console
from rich.text import Text

ColourMode = Literal["auto", "always", "never"]
COLOUR_MODES: tuple[ColourMode, ...] = ("auto", "always", "never")

# (pattern, style), applied in order; a later style wins where two overlap.
STYLES: list[tuple[str, str]] = [
    (r"(?m)^\S.*\s—\s+\S+ points$", "bold"),
    (r"✓", "bold green"),
    (r"✗", "bold red"),
    (r"(?m)^\s*expected:", "cyan"),
    (r"(?m)^\s*actual:", "yellow"),
    (r"(?m)^\s*why:", "magenta"),
    (r"(?m)^\s*try:", "bold green"),
    (r"(?m)^\s*first:", "bold blue"),
    (r"(?m)^\s*\|.*$", "dim"),
    (r"█+", "green"),
    (r"░+", "blue"),
    (r"▒+", "bold red"),
    (r"[├┼┤─]+", "dim"),
    (r"`[^`\n]+`", "bold"),
    (r"(?m)^\s*Stuck\?.*$", "dim"),
    (r"(?m)^\s*(Hint \d+ of \d+.*)$", "bold yellow"),
]

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
        """Print `text`: wrapped to the terminal's width on a terminal, coloured if wanted."""
        if self.is_terminal:
            text = wrap(text, max(60, self.width - 1))
        try:
            if self._console is None:
                print(text, file=self.stream, flush=True)
            else:
                self._console.print(styled(text))
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
    rich_text = Text(text)
    for pattern, style in STYLES:
        rich_text.highlight_regex(re.compile(pattern), style)
    return rich_text
