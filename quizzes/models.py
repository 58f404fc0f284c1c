"""Questions, quizzes and attempts arrive with the Quizzes issue; the app exists so that the
dependency direction (quizzes → courseware → courseware.ingest) is fixed from the start."""
