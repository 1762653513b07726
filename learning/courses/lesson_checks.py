"""The short check question at the end of a lesson: option order and the retry rule.

Options are shown in an order of their own for each learner (stable: the
same learner sees the same order every time), so the right answer is not
always first. A first wrong pick gets a hint and one more try; the answers
and every option's explanation are shown after a right pick or the second try.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

#: Tries before the answer is shown.
CHECK_TRIES = 2


def option_order(*, learner_key: str, lesson_slug: str, index: int, count: int) -> list[int]:
    """The positions of a check's options in this learner's order."""
    seed = hashlib.sha256(f"{learner_key}|{lesson_slug}|{index}".encode()).hexdigest()
    order = list(range(count))
    random.Random(seed).shuffle(order)  # an order on screen, not a secret
    return order


def check_answer(*, block: dict[str, Any], chosen: int, attempt: int) -> dict[str, Any]:
    """Grade one pick: right, or wrong with a hint and a try left, or wrong and revealed."""
    option = block["options"][chosen]
    correct = bool(option.get("correct"))
    tries_left = 0 if correct else max(0, CHECK_TRIES - attempt)
    return {
        "chosen": chosen,
        "correct": correct,
        "reveal": correct or tries_left == 0,
        "retry": not correct and tries_left > 0,
        "hint": block.get("hint") or option.get("why", ""),
        "next_attempt": attempt + 1,
    }
