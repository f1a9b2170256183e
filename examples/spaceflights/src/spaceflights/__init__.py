"""Spaceflights: price space shuttles from their features (a kedro-pure example project)."""

__version__ = "0.1.0"
