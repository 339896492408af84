"""Package data: bundled scenarios and cases, the gazetteer, the issue lexicon and the shipped
durability coefficients (read with importlib.resources)."""

__all__: list[str] = []
