from learning.models.content import (
    EXAMS,
    TRACKS,
    Exercise,
    Lesson,
    Question,
    QuestionTag,
)
from learning.models.progress import ExerciseAttempt, LessonProgress, QuestionAnswer

__all__ = [
    "EXAMS",
    "TRACKS",
    "Exercise",
    "ExerciseAttempt",
    "Lesson",
    "LessonProgress",
    "Question",
    "QuestionAnswer",
    "QuestionTag",
]
