"""The installed PromoDesk executable's entry point: ``promodesk.cli:main``.

No arguments opens the editor; anything else is a ``promodesk`` command (``PromoDesk make ...``).

``multiprocessing.freeze_support()`` must run first: the editor starts its generation, export and
preview workers with the "spawn" method, which in a frozen app re-runs this executable with
``--multiprocessing-fork``; without the call each worker would open another editor."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from promodesk.cli import main

    sys.exit(main())
