"""``python -m detente``: the command line."""

from detente.cli import main

main()
