"""The library version, as a constant (the core reads no package metadata)."""

__version__ = "0.1.0"
