"""Exercise checks the practice notebooks call: `from lab_utils.exercises import linear as check`.

One module per notebook (linear: 01, logistic: 02, mlp: 03). Each check is a probe, which runs the student's code
and records what it did as plain data, and a verdict, which turns that record into an outcome with a named cause;
it prints one line — passed, not done yet, or what is wrong with a hint — and `score_table()` shows them all.
Nothing here builds or grades notebooks (that is lab_utils.tools).
"""

from __future__ import annotations

from collections.abc import Callable


def verdicts() -> dict[str, Callable[[dict], str]]:
    """Exercise id -> its verdict: a function of a probe's record alone (it never runs student code)."""
    from . import linear, logistic, mlp

    return {linear.LOOP.id: linear.verdict_loop, linear.GRADIENTS.id: linear.verdict_gradients,
            linear.MODULE.id: linear.verdict_module, logistic.SIGMOID.id: logistic.verdict_sigmoid,
            logistic.BCE.id: logistic.verdict_bce, logistic.LOGITS.id: logistic.verdict_logits,
            mlp.MLP.id: mlp.verdict_mlp, mlp.FORWARD.id: mlp.verdict_forward, mlp.CONFIG.id: mlp.verdict_config}
