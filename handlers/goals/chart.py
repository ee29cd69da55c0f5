"""The progress chart of /report: each indicator's value against its target, by status colour.

Drawn with matplotlib's object API on an Agg canvas (no pyplot and its global state), so a
worker thread can draw it while the event loop serves others. matplotlib is optional (the
`charts` extra): without it `/report` answers with its text summary alone.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass

from models.goals.status import IndicatorStatus

COLOURS = {
    IndicatorStatus.ACHIEVED: "#2e7d32",
    IndicatorStatus.ON_TRACK: "#66bb6a",
    IndicatorStatus.BEHIND: "#fb8c00",
    IndicatorStatus.NOT_ACHIEVED: "#c62828",
    IndicatorStatus.NO_DATA: "#9e9e9e",
}
LABEL_CHARACTERS = 42
SHARE_SHOWN = 1.5
"""A bar stops at 150 % of its target; its figure says the rest."""
STUB = 0.012
"""A bar of nothing is still drawn thinly, so its status colour shows."""


@dataclass(frozen=True)
class Bar:
    label: str
    share: float
    """The value's share of the target (1.0: met)."""
    figure: str
    """`2 / 3` as the reader writes numbers."""
    status: IndicatorStatus


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    axis: str
    """The x axis' label: the share of the target."""
    legend: tuple[tuple[IndicatorStatus, str], ...]
    """Each status shown, with its name in the reader's language."""


def available() -> bool:
    """matplotlib is installed."""
    return importlib.util.find_spec("matplotlib") is not None


def clipped(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def draw(chart: Chart) -> bytes:
    """The chart as a PNG (call in a worker thread: it takes tens of milliseconds)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    height = 1.4 + 0.45 * max(1, len(chart.bars))
    figure = Figure(figsize=(8, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rows = list(reversed(chart.bars))
    positions = range(len(rows))
    axes.barh(
        list(positions),
        [min(max(bar.share, STUB), SHARE_SHOWN) for bar in rows],
        color=[COLOURS[bar.status] for bar in rows],
        height=0.6,
    )
    axes.set_yticks(list(positions), [clipped(bar.label) for bar in rows], fontsize=8)
    for position, bar in zip(positions, rows, strict=True):
        axes.text(min(bar.share, SHARE_SHOWN) + 0.02, position, bar.figure, va="center", fontsize=8)
    axes.axvline(1.0, color="#424242", linewidth=1, linestyle="--")
    axes.set_xlim(0, SHARE_SHOWN + 0.25)
    axes.xaxis.set_major_formatter(lambda value, _position: f"{round(value * 100)} %")
    axes.set_xlabel(chart.axis, fontsize=8)
    axes.set_title(chart.title, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(
        handles=[Patch(color=COLOURS[status], label=name) for status, name in chart.legend],
        fontsize=7,
        loc="lower right",
        frameon=False,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
