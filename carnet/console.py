"""What the tasks print: one line per step, problems in a list. Uses rich."""

import codecs
import sys

from rich.console import Console
from rich.markup import escape

# A terminal whose locale is not UTF-8 (LANG=fr_FR@euro, ISO-8859-15) has no « • », « ✓ »
# or « ’ »: Python stopped the task at its first line with a UnicodeEncodeError. They are
# printed as « ? » there; the accented letters, which the terminal has, as they are.
for _stream in (sys.stdout, sys.stderr):
    if _stream is not None and codecs.lookup(_stream.encoding or "utf-8").name != "utf-8":
        _stream.reconfigure(errors="replace")

# Emoji codes left as they are: a file named « mes:fire:objectifs.md » is named as it is.
_out = Console(highlight=False, emoji=False)
_err = Console(stderr=True, highlight=False, emoji=False)


def step(message):
    _out.print(f"[bold]•[/bold] {escape(message)}", markup=True, soft_wrap=True)


def done(message):
    _out.print(f"[green]✓[/green] {escape(message)}", markup=True, soft_wrap=True)


def warn(message):
    _err.print(f"[yellow]![/yellow] {escape(message)}", markup=True, soft_wrap=True)


def fail(message):
    _err.print(f"[red]✗[/red] {escape(message)}", markup=True, soft_wrap=True)


def problems(headline, lines):
    fail(headline)
    for line in lines:
        _err.print(f"  - {line}", markup=False, soft_wrap=True)
