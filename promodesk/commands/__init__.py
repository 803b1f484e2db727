"""One module per ``promodesk`` command. Each has ``register(subparsers)`` that adds its parser
and sets ``func``; heavy imports stay inside the functions so ``promodesk --help`` is instant.
Every command runs inside the error boundary of :mod:`promodesk.commands.errors`, which also holds
the exit code table."""

from promodesk.commands.errors import (  # noqa: F401 - the exit codes every command returns
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_OK,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_BROKEN_PIPE", "EXIT_CANCELLED", "EXIT_FAILED", "EXIT_INTERNAL",
           "EXIT_OK"]
