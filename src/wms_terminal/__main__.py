from wms_terminal.cli import main

raise SystemExit(main())
