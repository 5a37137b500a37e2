"""Grading a class: the batch (`batch`: jobs prepared, run, judged into a grade book), what a submission is
(`submissions`, `jobs`, `scan`, `needed`), the grade (`verdicts`), and what comes of it: feedback, the report and its
item analysis and similarity, regrades, a course's table, `lab validate`, Gradescope's autograder."""
