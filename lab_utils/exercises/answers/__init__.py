"""What a grading run must not see: each notebook's verdicts and the answers they compare with (reference loops,
true gradients, the stand-in classes, the 2-H-1 network). One module per checks module, each with its ANSWERS:
one `core.Answer` per exercise (its verdict, the inputs a probe seed gives, the working class or function the
notebook is lent until the student's passes, where there is one), what the grader judges a record with.

The student's own notebook loads them (lab_utils.exercises.core.answers_for); in the grading sandbox this folder is
empty, so the checks there only record, and the grader judges.
"""

from collections.abc import Sequence

from ..core import Fail, NotDone, tr

# The record checks several verdicts share: each raises the outcome that names what is wrong, else returns.

def need_defined(names: Sequence[str]) -> None:
    """Fail where names the check reads are not defined: the exercise cell did not run to its end."""
    if names:
        raise Fail(tr("{name} is not defined: run the exercise cell above (it may have stopped at an error)",
                      name=", ".join(names)), "missing")


def need_tensor_result(name: str, out: dict, cause: str) -> None:
    """NotDone or Fail where a function's recorded result is its placeholder, None or not a tensor."""
    if out["kind"] == "placeholder":
        raise NotDone(tr("{name} returns {value}", name=name, value="..."))
    if out["kind"] == "none":
        raise Fail(tr("{name} returned None: end it with return ...", name=name), f"{cause}.no-return")
    if out["kind"] != "tensor":
        raise Fail(tr("{name} must return a tensor, got {kind}", name=name, kind=out.get("name", out["kind"])),
                   f"{cause}.not-tensor")


def refuse_step_before_backward(events: Sequence[dict], cause: str) -> None:
    """Fail (with `cause`) a loop whose first optimizer.step() comes before its first cost.backward(): no step then
    uses its own epoch's gradient (the previous one's, or none where zero_grad() came between)."""
    calls = [e.get("call") for e in events]
    if "step" in calls and "backward" in calls and calls.index("step") < calls.index("backward"):
        raise Fail(tr("optimizer.step() runs before cost.backward(), so no step uses its own epoch's gradient: "
                      "call optimizer.zero_grad(), cost.backward(), then optimizer.step()"), cause)
