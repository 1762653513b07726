"""The dashboard's charts, drawn on the server as SVG (see ``learning/practice/charts.py``).

Every bar has its value written beside it and a pass or fail word with an
icon, so no chart relies on colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from learning.content.exam_info import EXAM_INFO
from learning.models import ExamAttempt


@dataclass(frozen=True)
class HBar:
    label: str
    text: str
    y: int
    width: float
    complete: bool


@dataclass(frozen=True)
class HBarChart:
    title: str
    bars: list[HBar]
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int


def track_progress_chart(tracks: Sequence) -> HBarChart:
    """One bar per track: the share of its lessons done."""
    label_width, plot_width, bar_height, gap, top = 150, 170, 20, 12, 8
    bars = []
    for i, track in enumerate(tracks):
        share = track.done / track.total if track.total else 0
        bars.append(
            HBar(
                label=track.title,
                text=f"{track.done} of {track.total}",
                y=top + i * (bar_height + gap),
                width=round(max(plot_width * share, 2), 1),
                complete=bool(track.total) and track.done == track.total,
            )
        )
    return HBarChart(
        title="Lessons done per track",
        bars=bars,
        width=label_width + plot_width + 60,
        height=top + len(bars) * (bar_height + gap),
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
    )


@dataclass(frozen=True)
class Column:
    label: str  # exam code and date
    score: int
    passed: bool
    x: float
    y: float
    height: float
    url: str


@dataclass(frozen=True)
class ScoreChart:
    title: str
    columns: list[Column]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    column_width: int
    pass_lines: list[tuple[int, float, str]]  # score, y, label


def exam_scores_chart(attempts: Sequence[ExamAttempt]) -> ScoreChart:
    """Scaled scores of recent exam simulations, oldest on the left, with the pass marks."""
    plot_top, plot_bottom, left, column_width, gap = 16, 176, 40, 44, 16

    def y_of(score: int) -> float:
        return round(plot_bottom - (plot_bottom - plot_top) * (score - 100) / 900, 1)

    columns = []
    for i, attempt in enumerate(reversed(list(attempts))):
        score = attempt.scaled_score or 100
        y = y_of(score)
        columns.append(
            Column(
                label=f"{attempt.exam} {attempt.submitted:%d %b}",
                score=score,
                passed=bool(attempt.passed),
                x=left + i * (column_width + gap),
                y=y,
                height=round(max(plot_bottom - y, 2), 1),
                url=attempt.get_absolute_url(),
            )
        )
    marks = sorted({EXAM_INFO[a.exam].passing_score for a in attempts if a.exam in EXAM_INFO})
    return ScoreChart(
        title="Scaled scores of your recent exam simulations",
        columns=columns,
        width=max(left + len(columns) * (column_width + gap) + 60, 240),
        height=plot_bottom + 40,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        column_width=column_width,
        pass_lines=[(mark, y_of(mark), f"pass {mark}") for mark in marks],
    )
