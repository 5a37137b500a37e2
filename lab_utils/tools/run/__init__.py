"""Running notebooks: one papermill run (`execution`), many on threads or Dask (`dispatch`, `cluster`), the `-p`
grid and sweeps (`grid`, `sweep`), stored outputs re-executed (`refresh`) and compared (`compare`), tables."""
