"""detente: model, simulate and forecast multi-party peace negotiations."""

__version__ = "0.1.0"
