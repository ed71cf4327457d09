from command_center.cli import main

raise SystemExit(main())
