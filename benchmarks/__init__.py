"""detente's benchmark suite: ``make bench`` runs every section and writes docs/benchmarks.md."""
