"""Quizzes' models, one module per area; import them from here (`quizzes.models`).

- questions: Question, QuestionVersion, QuestionCitation
- quizzes: Quiz, QuizQuestion, QuizPool, Accommodation
- attempts: Attempt, Response, QuestionReport, GradeOverride, Regrade
"""

from quizzes.models.attempts import Attempt, GradeOverride, QuestionReport, Regrade, Response
from quizzes.models.questions import Question, QuestionCitation, QuestionVersion
from quizzes.models.quizzes import Accommodation, Quiz, QuizPool, QuizQuestion

__all__ = [
    "Accommodation",
    "Attempt",
    "GradeOverride",
    "Question",
    "QuestionCitation",
    "QuestionReport",
    "QuestionVersion",
    "Quiz",
    "QuizPool",
    "QuizQuestion",
    "Regrade",
    "Response",
]
