"""Helpers shared by the 'Multi-Layer Perceptrons' lab notebooks.

The lesson's own code (models, losses, training loops) lives in the notebooks; this package holds what
would distract from it: data, seeding and device, plots, result reports, parameter checks, batched
training for the reliability study, and the runners behind the `lab` command.

The public names and the module each comes from are listed once, in __init__.pyi (which editors read); they are
loaded on first use (lazy_loader.attach_stub reads the stub), so `lab params` or a notebook's first cell does not
pay for importing torch and matplotlib before it needs them.
"""

import lazy_loader as _lazy

__version__ = "0.1.0"

# SPEC 1's lazy loading, by its reference implementation: the public names and their modules come from the stub.
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
