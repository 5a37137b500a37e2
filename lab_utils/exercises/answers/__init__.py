"""What a grading run must not see: each notebook's verdicts and the answers they compare with (reference loops,
true gradients, the stand-in classes, the 2-H-1 network). One module per checks module, each with

- CHECKS: exercise id -> (its verdict, the inputs a probe seed gives), what the grader judges a record with;
- STAND_INS: exercise id -> the working class the notebook is lent until the student's passes (where there is one).

The student's own notebook loads them (lab_utils.exercises.core.answers_for); in the grading sandbox this folder is
empty, so the checks there only record, and the grader judges.
"""
