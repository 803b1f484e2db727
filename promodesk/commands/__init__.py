"""One module per ``promodesk`` command. Each has ``register(subparsers)`` that adds its parser
and sets ``func``; heavy imports stay inside the functions so ``promodesk --help`` is instant."""

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
