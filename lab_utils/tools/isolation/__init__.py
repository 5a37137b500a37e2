"""Running untrusted notebooks apart: a bubblewrap sandbox per run (`sandbox`), or one warm sandbox per worker whose
runner (`forkserver`) forks a process per submission that runs the cells in-process (`inprocess`, `warm`)."""
