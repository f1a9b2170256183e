"""The project's modular pipelines: one sub-package each, found by ``find_pipelines``."""
