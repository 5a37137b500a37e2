"""Tools that build, run, sweep and grade the notebooks (the `lab` command); notebooks never import these."""
