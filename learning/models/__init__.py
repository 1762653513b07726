from learning.models.classrooms import (
    AssignedExam,
    Assignment,
    AssignmentExercise,
    AssignmentQuestion,
    Classroom,
    Membership,
    Profile,
)
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
    "AssignedExam",
    "Assignment",
    "AssignmentExercise",
    "AssignmentQuestion",
    "Classroom",
    "ExamAttempt",
    "ExamResponse",
    "Exercise",
    "ExerciseAttempt",
    "Lesson",
    "LessonProgress",
    "Membership",
    "Profile",
    "Question",
    "QuestionAnswer",
    "QuestionReport",
    "QuestionTag",
    "ReviewCard",
    "ReviewLog",
    "StudyPlan",
]
