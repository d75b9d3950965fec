"""Chart geometry for the results dashboard, drawn by the template as inline SVG.

Pure functions: numbers in, rectangles and labels out. The page carries no script and
no inline style (CSP ``default-src 'self'``): every size is an SVG attribute, every
colour a class in results.css.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "TrendChart", "trend_chart", "FunnelStep", "funnel", "FUNNEL_VIEW", "FUNNEL_ROW"]

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 44, 28, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    css: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value) for the axis
    labels: list[tuple[float, str]]  # (x, period) under the bars, thinned to fit
    baseline: float


def trend_chart(periods: Sequence[tuple[str, int, int]]) -> TrendChart:
    """Requests and deals per period, side by side: (period, requests, deals)."""
    top = _nice_max(max([requests for _, requests, _ in periods] or [0]))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(periods), 1)
    bar_w = min(max(slot * 0.38, 1.0), 36.0)
    bars, labels = [], []
    every = max(1, len(periods) // 8)  # at most about 8 labels under the axis
    for index, (period, requests, deals) in enumerate(periods):
        x = LEFT + index * slot + (slot - 2 * bar_w) / 2
        for offset, value, css in ((0.0, requests, "coa-bar-requests"), (bar_w, deals, "coa-bar-deals")):
            h = plot_h * value / top if top else 0.0
            bars.append(Bar(round(x + offset, 1), round(TOP + plot_h - h, 1), round(bar_w, 1),
                            round(h, 1), value, period, css))
        if index % every == 0:
            labels.append((round(x + bar_w, 1), period))
    ticks = [(round(TOP + plot_h - plot_h * step / 4, 1), top * step // 4) for step in range(5)]
    return TrendChart(WIDTH, HEIGHT, bars, ticks, labels, TOP + plot_h)


def _nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten, times 4 (four even ticks), >= value."""
    if value <= 0:
        return 4
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale * 4 >= value:
                return step * scale * 4
        scale *= 10


@dataclass(frozen=True)
class FunnelStep:
    label: str
    value: int
    width: float  # share of the first step, in SVG units out of ``FUNNEL_WIDTH``
    y: float
    share: str  # of the step before, as text


FUNNEL_WIDTH, FUNNEL_ROW, FUNNEL_VIEW = 200, 44, 460


def funnel(steps: Sequence[tuple[str, int]]) -> list[FunnelStep]:
    """Request to order: each step's bar is its share of the first step."""
    first = steps[0][1] if steps else 0
    found, before = [], None
    for index, (label, value) in enumerate(steps):
        width = FUNNEL_WIDTH * value / first if first else 0.0
        share = f"{value * 100 / before:.0f}% of the step before" if before else ""
        found.append(FunnelStep(label, value, round(max(width, 2.0), 1), index * FUNNEL_ROW, share))
        before = value
    return found
