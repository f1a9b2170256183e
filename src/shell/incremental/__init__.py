"""The shell half of incremental runs and resume: fingerprints, the journal, planning.

* :mod:`shell.incremental.code`: a digest of a node's function;
* :mod:`shell.incremental.datasets`: a dataset's current version (file digests with a cache,
  dataset versions, the ``fingerprint()`` protocol for custom datasets);
* :mod:`shell.incremental.observe`: observing a pipeline through a catalog;
* :mod:`shell.incremental.recorder`: journaling a run from the runner's progress events;
* :mod:`shell.incremental.planning`: the plan (decided by :mod:`core.incremental`) and the
  session's preparation of a run;
* :mod:`shell.incremental.resume`: finding the run ``--resume`` continues.
"""
