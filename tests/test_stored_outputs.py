"""Stored outputs that hold on other CPUs: what notebook 03 prints about its rates has room to spare.

Reads the stored outputs only (nbval, and `make test-portable` on PyTorch's portable kernels, re-execute them)."""

import json
import re

from .nbrun import NB


def _stdout(path) -> str:
    nb = json.loads(path.read_text())
    return "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c["outputs"] if o.get("name") == "stdout")


def test_notebook_03_rates_sit_clear_of_their_tolerance_and_float_noise_is_not_printed():
    text = _stdout(NB["03"])
    # The default CPU path and the portable one move a network's largest error by at most 0.6 %: a rate could
    # change between machines only if some network sat closer to the tolerance than that.
    margins = [int(m) for m in re.findall(r"nearest largest error to the tolerance: (\d+) % of it away", text)]
    assert len(margins) == 2 and min(margins) >= 2, margins
    assert "batched and nn.Module predictions agree within 1e-6: True" in text
    assert not re.search(r"\d(\.\d+)?e-(0[7-9]|[1-9]\d)", text)  # no number below 1e-6 (float32 noise) printed
