"""Charts drawn on the server as SVG: no chart library, no JavaScript.

Each chart is a plain data structure the template turns into SVG elements,
so the text stays escaped by the template engine and readable by screen
readers (every bar also has its value written out).
"""

from __future__ import annotations

from dataclasses import dataclass

from learning.practice.mastery import MASTERY_LEVELS, Readiness

TICK_ROWS = (14, 30)  # baselines of the two rows of level names


@dataclass(frozen=True)
class Bar:
    label: str
    value: int  # 0..max_value
    text: str  # the value in words, shown beside the bar
    y: int
    width: float
    level: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    ticks: list[tuple[float, int, str, str]]  # x, y, label, text-anchor


def readiness_chart(readiness: Readiness) -> BarChart:
    """One bar per task statement: its mastery level, from "not started" to "mastered"."""
    label_width, plot_width, bar_height, gap = 64, 300, 22, 10
    top = 42  # below the two rows of level names
    max_level = len(MASTERY_LEVELS) - 1
    bars = []
    for i, task in enumerate(readiness.tasks):
        width = plot_width * task.level_index / max_level if max_level else 0
        bars.append(
            Bar(
                label=f"Task {task.task}",
                value=task.level_index,
                text=f"{task.level} ({task.correct}/{task.answered} right)",
                y=top + i * (bar_height + gap),
                width=round(max(width, 2), 1),
                level=task.level.replace(" ", "-"),
            )
        )
    anchors = ["start"] + ["middle"] * (max_level - 1) + ["end"]
    # Level names alternate between two rows: five names on one row 75 units
    # apart overlapped ("not started" ran into "attempted") at every width,
    # since the SVG scales as a whole.
    ticks = [
        (round(label_width + plot_width * i / max_level, 1), TICK_ROWS[i % 2], name, anchors[i])
        for i, name in enumerate(MASTERY_LEVELS)
    ]
    height = top + len(bars) * (bar_height + gap) + 10
    return BarChart(
        title=f"Mastery per task statement, {readiness.exam.code}",
        bars=bars,
        width=label_width + plot_width + 4,
        height=height,
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        ticks=ticks,
    )
