"""Reporters render a :class:`~grader.model.SubmissionReport`; they compute nothing."""
