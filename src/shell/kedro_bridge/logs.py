"""Records Kedro's modules emit as a side effect of being imported by the project.

Importing ``kedro.framework.project`` (an unmodified registry does) configures logging again
and logs ``Using 'conf/logging.yml' as logging configuration`` a second time: kedro-pure has
already configured logging from the same file and logged that record once, as ``kedro run``
does. The filter drops the records that Kedro's own module writes to its logger; kedro-pure's
records under the same (Kedro-compatible) logger name are kept.
"""

from __future__ import annotations

import logging
import os
from typing import Final

__all__ = ["mute_kedro_import_records"]

_LOGGER: Final = "kedro.framework.project"
_KEDRO_MODULE_PATH: Final = os.path.join("kedro", "framework", "project", "__init__.py")


class _FromKedroItself(logging.Filter):
    """Drops records written by Kedro's ``kedro/framework/project/__init__.py``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.pathname.endswith(_KEDRO_MODULE_PATH)


_FILTER: Final = _FromKedroItself()


def mute_kedro_import_records() -> None:
    """Drop the records Kedro's project module writes when a project imports it (idempotent)."""
    logger = logging.getLogger(_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
