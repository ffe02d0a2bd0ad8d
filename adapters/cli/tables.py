"""Tables of ids (`lorebot channels list`, `lorebot sources list`) that never cut an id: `slack:CYAM…` could
be any of several channels. In a terminal, cells that do not fit are folded onto more lines instead of
ending in an ellipsis, and the first column (each row's id) keeps its longest entry on one line; output
that is not a terminal (a pipe, a file, a script) gets the table at its full width, each row on one line,
so `grep` finds whole ids."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

UNBOUNDED = 100_000  # columns: wider than any table of ids


def print_ids_table(console: Console, table: Table) -> None:
    """Print `table`, whose first column holds each row's id, without cutting any cell."""
    for column in table.columns:
        column.overflow = "fold"
    key = table.columns[0]
    key.no_wrap = True
    key.min_width = max((len(str(cell)) for cell in key.cells), default=0)
    if console.is_terminal:
        console.print(table)
        return
    # Console.print(width=) cannot go beyond the console's own width: a console of the table's width, on
    # the same output.
    width = Measurement.get(console, console.options.update_width(UNBOUNDED), table).maximum
    Console(file=console.file, width=max(width, console.width), emoji=False, force_terminal=False).print(table)
