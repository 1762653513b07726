"""The question bank: checking an answer and choosing the next question, without HTTP."""

from __future__ import annotations

import pytest

from learning.learners import Learner
from learning.practice import bank, scheduling
from tests.learning.content.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ALICE = Learner(user_id=None, session_key="alice-session")


def test_multiple_response_needs_exactly_the_keyed_options():
    question = QuestionFactory(
        type="multiple",
        options=[{"text_html": str(i), "correct": i in (1, 3), "why_html": "x"} for i in range(5)],
    )
    assert bank.answer_is_correct(question, [1, 3])
    assert not bank.answer_is_correct(question, [1])
    assert not bank.answer_is_correct(question, [1, 3, 4])


def test_parse_choice_refuses_options_that_do_not_exist():
    question = QuestionFactory()
    with pytest.raises(bank.QuizError):
        bank.parse_choice(question, ["9"])
    with pytest.raises(bank.QuizError):
        bank.parse_choice(question, ["zero"])
    with pytest.raises(bank.QuizError, match="Choose one"):
        bank.parse_choice(question, ["0", "1"])


def test_question_next_prefers_questions_not_yet_answered():
    first, second = QuestionFactory(), QuestionFactory()
    scheduling.practice_answer(learner=ALICE, question=first, chosen=[0])
    assert bank.question_next(learner=ALICE) == second
