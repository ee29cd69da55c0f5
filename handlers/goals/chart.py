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
WIDTH, DPI = 8.0, 90
"""Inches and dots per inch: 720 pixels wide."""
ROW, HEAD, FOOT, RIGHT = 0.32, 0.45, 0.55, 0.2
"""Inches: a bar's row, the title above, the axis below, the margin on the right."""
CHARACTER, LABEL_PAD, MAX_LEFT = 0.058, 0.15, 3.2
"""Inches: about one character of a label at 8 points, the gap before the bars, at most
this much for the labels."""
MIN_HEIGHT = 2.0
"""Inches: room for the legend under a chart of one or two bars."""
PNG_COMPRESSION = 1


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
    """The chart as a PNG (call in a worker thread: it takes tens of milliseconds).

    The layout is computed here, not by tight_layout (which lays every text out twice more),
    labels are plain texts beside the bars rather than tick labels (a tick is three artists),
    and the PNG is compressed lightly (a tenth of the time, a somewhat larger file)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    rows = list(reversed(chart.bars))
    count = max(1, len(rows))
    height = max(MIN_HEIGHT, HEAD + FOOT + ROW * count)
    figure = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(figure)
    labels = [clipped(bar.label) for bar in rows]
    left = min(MAX_LEFT, (LABEL_PAD + CHARACTER * max((len(label) for label in labels), default=0)))
    figure.subplots_adjust(
        left=left / WIDTH, right=1 - RIGHT / WIDTH, top=1 - HEAD / height, bottom=FOOT / height
    )
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    axes.barh(
        positions,
        [min(max(bar.share, STUB), SHARE_SHOWN) for bar in rows],
        color=[COLOURS[bar.status] for bar in rows],
        height=0.6,
    )
    axes.set_yticks([])
    axes.set_ylim(-0.5, count - 0.5)
    beside = axes.get_yaxis_transform()  # x in axes' share, y in rows
    for position, bar, label in zip(positions, rows, labels, strict=True):
        axes.text(-0.01, position, label, va="center", ha="right", fontsize=8, transform=beside)
        axes.text(min(bar.share, SHARE_SHOWN) + 0.02, position, bar.figure, va="center", fontsize=8)
    axes.axvline(1.0, color="#424242", linewidth=1, linestyle="--")
    axes.set_xlim(0, SHARE_SHOWN + 0.25)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5])
    axes.xaxis.set_major_formatter(lambda value, _position: f"{round(value * 100)} %")
    axes.tick_params(axis="x", labelsize=7)
    axes.set_xlabel(chart.axis, fontsize=8)
    axes.set_title(chart.title, fontsize=10)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.legend(
        handles=[Patch(color=COLOURS[status], label=name) for status, name in chart.legend],
        fontsize=7,
        loc="lower right",
        frameon=False,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buffer.getvalue()
