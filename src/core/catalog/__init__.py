"""The pure half of the data catalog: configuration, factory patterns, versions, parameters.

Nothing here touches data or imports classes; :mod:`shell.io` does that.
"""

from core.catalog.snapshot import CatalogSnapshot

__all__ = ["CatalogSnapshot"]
