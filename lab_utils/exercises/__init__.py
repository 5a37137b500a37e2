"""Exercise checks the practice notebooks call: `from lab_utils.exercises import linear as check`.

One module per notebook (linear: 01, logistic: 02, mlp: 03). Each check prints one line — passed, not done yet,
or what is wrong with a hint — and `score_table()` shows them all. Nothing here builds or grades notebooks
(that is lab_utils.tools).
"""
