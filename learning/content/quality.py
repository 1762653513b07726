"""Bank-quality checks: the answer must not be guessable from an option's length,
position or wording.

Each function takes plain parsed items (question dicts, lesson check blocks) and
returns either figures or problems a writer can act on. ``quality_problems`` and
``quality_figures`` read the real content; ``manage.py check_content`` fails on
the problems and prints the figures with ``--stats``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Limits: a test-wise learner who picks the longest option (or always the same
# position, or the most common decision) should do little better than chance.
MAX_LONGEST_SHARE = 0.35  # single and predict: correct option strictly the longest
MAX_LENGTH_RATIO = 1.5  # no correct option this many times the longest distractor
MAX_MULTIPLE_LONGEST_SHARE = 0.35  # multiple: correct options are exactly the longest ones
MAX_POSITION_SHARE = 0.40  # lesson checks: one position keyed too often
MAX_DECISION_SHARE = 0.45  # predict: one decision keyed too often
MIN_SAMPLE = 8  # shares over fewer items than this say nothing yet

DECISION_WORDS = {
    "allowed": re.compile(r"^\W*allowed\b", re.I),
    "explicitDeny": re.compile(r"^\W*explicit deny\b", re.I),
    "implicitDeny": re.compile(r"^\W*implicit deny\b", re.I),
}


@dataclass
class Figures:
    """What ``check_content --stats`` prints; shares are 0..1, counts are plain."""

    longest: tuple[int, int] = (0, 0)  # (correct strictly longest, single+predict items)
    ratio_over: list[str] = field(default_factory=list)
    multiple_longest: tuple[int, int] = (0, 0)
    check_positions: Counter = field(default_factory=Counter)
    check_longest: tuple[int, int] = (0, 0)  # lesson checks: (correct strictly longest, checks)
    decisions: Counter = field(default_factory=Counter)
    predict_one_word: list[str] = field(default_factory=list)
    per_exam: Counter = field(default_factory=Counter)
    per_task: Counter = field(default_factory=Counter)
    per_type: Counter = field(default_factory=Counter)
    item_problems: list[str] = field(default_factory=list)


def _length(option: dict[str, Any]) -> int:
    return len(str(option.get("text", "")).strip())


def correct_is_strictly_longest(options: list[dict[str, Any]]) -> bool:
    """True when the one correct option is longer than every other option."""
    keyed = [o for o in options if o.get("correct")]
    others = [_length(o) for o in options if not o.get("correct")]
    if len(keyed) != 1 or not others:
        return False
    return _length(keyed[0]) > max(others)


def length_ratio(options: list[dict[str, Any]]) -> float:
    """The longest correct option's length over the longest distractor's."""
    keyed = [_length(o) for o in options if o.get("correct")]
    others = [_length(o) for o in options if not o.get("correct")]
    if not keyed or not others or max(others) == 0:
        return 0.0
    return max(keyed) / max(others)


def correct_are_the_longest(options: list[dict[str, Any]]) -> bool:
    """Multiple response: the k correct options are exactly the k longest ones."""
    k = sum(1 for o in options if o.get("correct"))
    if k == 0 or k >= len(options):
        return False
    shortest_keyed = min(_length(o) for o in options if o.get("correct"))
    longest_other = max(_length(o) for o in options if not o.get("correct"))
    return shortest_keyed > longest_other


def keyed_position(options: list[dict[str, Any]]) -> int | None:
    """Position (1-based) of the first correct option."""
    for index, option in enumerate(options, start=1):
        if option.get("correct"):
            return index
    return None


def option_decision(text: str) -> str | None:
    """The decision an option's text leads with ('Allowed: ...'), if any."""
    for decision, pattern in DECISION_WORDS.items():
        if pattern.match(text):
            return decision
    return None


def predict_problems(where: str, item: dict[str, Any]) -> list[str]:
    """A predict item pairs a decision with a reason in every option, and the keyed
    decision appears in at least two options, so the reason is what gets tested."""
    options = item.get("options") or []
    named = [option_decision(str(o.get("text", ""))) for o in options]
    problems = []
    if None in named:
        problems.append(f"{where}: every predict option starts with its decision")
    keyed = item.get("decision")
    if named.count(keyed) < 2:
        problems.append(f"{where}: the keyed decision {keyed} must appear in two options or more")
    return problems


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def question_figures(questions: list[tuple[str, dict[str, Any]]], figures: Figures) -> None:
    """Fill ``figures`` from (where, question) pairs."""
    longest = items = multi_longest = multi = 0
    for where, item in questions:
        qtype = item.get("type")
        figures.per_type[qtype] += 1
        for exam, tasks in (item.get("exams") or {}).items():
            figures.per_exam[exam] += 1
            for task in tasks or []:
                figures.per_task[f"{exam} {task}"] += 1
        options = [o for o in item.get("options") or [] if isinstance(o, dict)]
        if qtype in ("single", "predict"):
            items += 1
            longest += correct_is_strictly_longest(options)
        if qtype == "multiple":
            multi += 1
            multi_longest += correct_are_the_longest(options)
        if options and length_ratio(options) >= MAX_LENGTH_RATIO:
            figures.ratio_over.append(f"{where} ({length_ratio(options):.2f}x)")
        if qtype == "predict":
            figures.decisions[item.get("decision")] += 1
            if predict_problems(where, item):
                figures.predict_one_word.append(where)
    figures.longest = (longest, items)
    figures.multiple_longest = (multi_longest, multi)


def check_figures(checks: list[tuple[str, dict[str, Any]]], figures: Figures) -> None:
    """Fill ``figures`` from (where, lesson check block) pairs."""
    longest = 0
    for where, block in checks:
        options = [o for o in block.get("options") or [] if isinstance(o, dict)]
        position = keyed_position(options)
        if position:
            figures.check_positions[position] += 1
        longest += correct_is_strictly_longest(options)
        if options and length_ratio(options) >= MAX_LENGTH_RATIO:
            figures.ratio_over.append(f"{where} check ({length_ratio(options):.2f}x)")
    figures.check_longest = (longest, len(checks))


def figure_problems(figures: Figures) -> list[str]:
    """The bank-wide limits, as problems."""
    problems = []
    hit, total = figures.longest
    if total >= MIN_SAMPLE and _share(hit, total) > MAX_LONGEST_SHARE:
        problems.append(
            f"the correct option is strictly the longest in {hit} of {total} single/predict "
            f"questions ({_share(hit, total):.0%}; at most {MAX_LONGEST_SHARE:.0%})"
        )
    for where in figures.ratio_over:
        problems.append(f"{where}: a correct option is {MAX_LENGTH_RATIO}x the longest distractor")
    hit, total = figures.check_longest
    if total >= MIN_SAMPLE and _share(hit, total) > MAX_LONGEST_SHARE:
        problems.append(
            f"the correct option is strictly the longest in {hit} of {total} lesson checks "
            f"({_share(hit, total):.0%}; at most {MAX_LONGEST_SHARE:.0%})"
        )
    hit, total = figures.multiple_longest
    if total >= MIN_SAMPLE and _share(hit, total) > MAX_MULTIPLE_LONGEST_SHARE:
        problems.append(
            f"the correct options are exactly the longest in {hit} of {total} multiple-response "
            f"questions ({_share(hit, total):.0%}; at most {MAX_MULTIPLE_LONGEST_SHARE:.0%})"
        )
    problems += _skew_problems(
        "lesson checks keyed on position", figures.check_positions, MAX_POSITION_SHARE
    )
    problems += _skew_problems("predict questions keyed", figures.decisions, MAX_DECISION_SHARE)
    return problems


def _skew_problems(label: str, counts: Counter, limit: float) -> list[str]:
    total = sum(counts.values())
    if total < MIN_SAMPLE:
        return []
    value, count = counts.most_common(1)[0]
    if _share(count, total) > limit:
        return [
            f"{label} {value}: {count} of {total} ({_share(count, total):.0%}; at most {limit:.0%})"
        ]
    return []


def stats_lines(figures: Figures) -> list[str]:
    """Human-readable figures for ``check_content --stats``."""
    hit, total = figures.longest
    mhit, mtotal = figures.multiple_longest
    checks = sum(figures.check_positions.values())
    decisions = sum(figures.decisions.values())
    lines = [
        f"questions: {sum(figures.per_type.values())} "
        + ", ".join(f"{k} {v}" for k, v in sorted(figures.per_type.items())),
        f"single/predict, correct strictly longest: {hit}/{total} ({_share(hit, total):.0%})",
        f"correct option >= {MAX_LENGTH_RATIO}x longest distractor: {len(figures.ratio_over)}",
        f"multiple, correct exactly the longest: {mhit}/{mtotal} ({_share(mhit, mtotal):.0%})",
        "lesson checks, correct strictly longest: "
        f"{figures.check_longest[0]}/{figures.check_longest[1]} "
        f"({_share(*figures.check_longest):.0%})",
        "lesson checks keyed by position: "
        + ", ".join(
            f"{p}: {c} ({_share(c, checks):.0%})"
            for p, c in sorted(figures.check_positions.items())
        ),
        "predict decisions keyed: "
        + ", ".join(
            f"{d}: {c} ({_share(c, decisions):.0%})" for d, c in sorted(figures.decisions.items())
        ),
        "predict items with the keyed decision in fewer than two options: "
        f"{len(figures.predict_one_word)}",
        "per exam: " + ", ".join(f"{e} {c}" for e, c in sorted(figures.per_exam.items())),
        "per task statement: " + ", ".join(f"{t} {c}" for t, c in sorted(figures.per_task.items())),
    ]
    return lines


def bank_figures(*, root: Path | None = None) -> Figures:
    """Figures for the real content (or the content under ``root``)."""
    from learning.content.loader import CONTENT_DIR, content_read
    from learning.content.rendering import ContentError, render_markdown

    root = root or CONTENT_DIR
    content = content_read(root=root)
    questions = [(f"{path.name} [{item.get('id')}]", item) for path, item in content.questions]
    checks = []
    for lesson in content.lessons:
        try:
            rendered = render_markdown(lesson.body)
        except ContentError:
            continue  # content_check reports the broken lesson itself
        checks += [
            (lesson.path.name, block) for block in rendered.blocks if block["type"] == "check"
        ]
    figures = Figures()
    question_figures(questions, figures)
    check_figures(checks, figures)
    for where, item in questions:
        if item.get("type") == "predict":
            figures.item_problems += predict_problems(where, item)
    return figures


def quality_problems(*, root: Path | None = None) -> list[str]:
    """Every bank-quality problem; empty when length, position and wording carry no signal."""
    figures = bank_figures(root=root)
    return figure_problems(figures) + figures.item_problems
