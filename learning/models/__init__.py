from learning.models.content import (
    EXAMS,
    TRACKS,
    Exercise,
    Lesson,
    Question,
    QuestionTag,
)
from learning.models.practice import (
    ExamAttempt,
    ExamResponse,
    QuestionReport,
    ReviewCard,
    ReviewLog,
    StudyPlan,
)
from learning.models.progress import ExerciseAttempt, LessonProgress, QuestionAnswer

__all__ = [
    "EXAMS",
    "TRACKS",
    "ExamAttempt",
    "ExamResponse",
    "Exercise",
    "ExerciseAttempt",
    "Lesson",
    "LessonProgress",
    "Question",
    "QuestionAnswer",
    "QuestionReport",
    "QuestionTag",
    "ReviewCard",
    "ReviewLog",
    "StudyPlan",
]
