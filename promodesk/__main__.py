from promodesk.cli import main

raise SystemExit(main())
