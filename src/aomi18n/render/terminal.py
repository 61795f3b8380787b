"""Terminal output drawn with rich: the ``status`` table and the progress bar of long runs."""

from __future__ import annotations

import sys

from ..analysis import Analysis


def print_status(analysis: Analysis, width: int | None = None) -> None:
    """The report's opening sentences, then one row per source document: its title with
    its paths beneath (relative to the corpus folders, wrapped, never cut), its words,
    coverage and bar, what waits in PO files, what is left to do, and its findings.
    Fits 80 columns."""
    from rich.console import Console
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    from .report import report_data, summary_sentences
    from .strings import strings

    from rich import box

    config = analysis.config
    data = report_data(analysis)
    rep = data["report"]
    t = strings("en", config.source_lang, config.target_lang)
    console = Console(width=width) if width else Console()
    if not console.is_terminal and width is None:
        console = Console(width=max(console.width, 80), no_color=True)
    bar = console.width >= 100  # the percentage says it on a narrow terminal
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, collapse_padding=True)
    table.add_column("document", overflow="fold", ratio=1, min_width=30)
    table.add_column("words", justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    if bar:
        table.add_column("", no_wrap=True, width=12)
    table.add_column("in PO", justify="right", no_wrap=True)
    table.add_column("to do", justify="right", no_wrap=True)
    table.add_column("findings", justify="right", no_wrap=True)
    no_target = f"no {t['target_col']}"
    for d in rep["documents"]:
        cell = Text(d["title"], style="bold")
        place = d["source_shown"] + " -> " if d["title"] != d["source_shown"] else "-> "
        cell.append("\n" + place + (d["target_shown"] or no_target), style="dim")
        row = [cell, str(d["words"]), f"{d['coverage']:.1f}"]
        if bar:
            row.append(ProgressBar(total=max(d["words"], 1), completed=d["work"]["published"], width=12))
        table.add_row(*row, str(d["work"]["in_po"]), str(d["work"]["todo"]), str(d["findings"]))
    console.print(" ".join(summary_sentences(rep, t, "en")), highlight=False)
    console.print(table)
    console.print(f"in PO: words translated in PO files, not imported yet; to do: words with no {t['target_col']} yet.",
                  style="dim", highlight=False)


class RunProgress:
    """A progress bar on standard error for runs over a second, only on a terminal (never in CI or a pipe)."""

    def __init__(self, label: str = "checking"):
        import os
        import time

        self.label, self.start, self.bar, self.task = label, time.monotonic(), None, None
        self.enabled = sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"

    def __call__(self, done: int, total: int) -> None:
        import time

        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < 1.0 or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)
        if done >= total:
            self.bar.stop()


