"""The bank-quality checks catch answers that length, position or wording give away."""

from __future__ import annotations

from collections import Counter

from learning.content.loader import content_read
from learning.content.quality import (
    Figures,
    bank_figures,
    check_figures,
    correct_are_the_longest,
    correct_is_strictly_longest,
    figure_problems,
    length_ratio,
    option_decision,
    predict_problems,
    quality_problems,
    question_figures,
)


def _opt(text: str, correct: bool = False) -> dict:
    return {"text": text, "correct": correct, "why": "because"}


def _single(key: str, *others: str) -> dict:
    return {"type": "single", "exams": {"SAA-C03": ["1.1"]}, "options": [_opt(key, True)]
            + [_opt(o) for o in others]}  # fmt: skip


def test_a_key_longer_than_every_distractor_is_strictly_longest():
    assert correct_is_strictly_longest(
        _single("a long correct answer", "short", "tiny", "b")["options"]
    )
    assert not correct_is_strictly_longest(_single("same size", "same size", "x", "y")["options"])


def test_length_ratio_compares_the_key_with_the_longest_distractor():
    assert length_ratio(_single("x" * 30, "y" * 20, "z" * 10, "w")["options"]) == 1.5


def test_multiple_response_keyed_on_the_longest_options_is_spotted():
    options = [
        _opt("long right one", True),
        _opt("long right two", True),
        _opt("no"),
        _opt("nah"),
        _opt("x"),
    ]
    assert correct_are_the_longest(options)
    options[2] = _opt("a distractor as long as any key")
    assert not correct_are_the_longest(options)


def test_a_bank_that_rewards_picking_the_longest_option_fails():
    questions = [(f"q{i}", _single("the long, detailed correct option", "short", "brief", "tiny"))
                 for i in range(10)]  # fmt: skip
    figures = Figures()
    question_figures(questions, figures)
    problems = figure_problems(figures)
    assert any("strictly the longest in 10 of 10" in p for p in problems)
    assert any("q3" in p and "1.5x" in p for p in problems)


def test_a_balanced_bank_passes():
    questions = [
        (f"q{i}", _single("a key of medium size", "a distractor as long as it", "the other", "x"))
        for i in range(10)
    ]
    figures = Figures()
    question_figures(questions, figures)
    assert figure_problems(figures) == []


def test_lesson_checks_keyed_on_one_position_fail():
    block = {"options": [_opt("right", True), _opt("wrong")]}
    figures = Figures()
    check_figures([(f"lesson{i}", block) for i in range(10)], figures)
    assert any("position 1: 10 of 10" in p for p in figure_problems(figures))
    figures = Figures()
    rotated = [
        {"options": [_opt("wrong"), _opt("right", True), _opt("no")]},
        {"options": [_opt("wrong"), _opt("no"), _opt("right", True)]},
        {"options": [_opt("right", True), _opt("wrong"), _opt("no")]},
    ]
    check_figures([(f"l{i}", rotated[i % 3]) for i in range(9)], figures)
    assert figure_problems(figures) == []


def test_lesson_checks_that_reward_the_longest_option_fail():
    block = {"options": [_opt("the long and detailed right answer", True), _opt("no"), _opt("nah")]}
    figures = Figures()
    check_figures([(f"lesson{i}", block) for i in range(10)], figures)
    problems = figure_problems(figures)
    assert any("strictly the longest in 10 of 10 lesson checks" in p for p in problems)
    assert any("lesson3 check" in p and "1.5x" in p for p in problems)


def test_option_decision_reads_the_leading_decision_word():
    assert option_decision("Implicit deny: nothing matches.") == "implicitDeny"
    assert option_decision("**Explicit deny** from the SCP.") == "explicitDeny"
    assert option_decision("Allowed: the condition matches.") == "allowed"
    assert option_decision("The condition matches.") is None


def test_predict_needs_the_keyed_decision_in_two_options_and_a_decision_in_each():
    item = {
        "decision": "implicitDeny",
        "options": [
            _opt("Implicit deny: the key differs in case.", True),
            _opt("Allowed: values ignore case."),
            _opt("Explicit deny: a wrong key is an attack."),
            _opt("The role is in another account."),
        ],
    }
    problems = predict_problems("p1", item)
    assert any("starts with its decision" in p for p in problems)
    assert any("two options" in p for p in problems)
    item["options"][3] = _opt("Implicit deny: the principal should be the role, not the account.")
    assert predict_problems("p1", item) == []


def test_predict_decisions_skewed_to_one_decision_fail():
    figures = Figures(decisions=Counter({"implicitDeny": 7, "allowed": 2, "explicitDeny": 1}))
    assert any("implicitDeny: 7 of 10" in p for p in figure_problems(figures))


def test_the_bank_reaches_the_sizes_issue_14_asks_for():
    figures = bank_figures()
    content = content_read()
    assert sum(figures.per_type.values()) >= 400
    assert all(figures.per_exam[exam] >= 120 for exam in ("DVA-C02", "SAA-C03", "DOP-C02"))
    assert len(content.lessons) >= 32
    assert len(content.exercises) >= 50


def test_the_real_bank_passes_the_quality_checks():
    problems = quality_problems()
    assert problems == [], "\n".join(problems)
