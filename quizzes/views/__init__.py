"""The quizzes app's views, one module per area: `attempts` (a student taking a quiz),
`progress` (a student's course home, progress and practice) and `gradebook` (a teacher's
pages). `quizzes/urls.py` names each view through its module."""
