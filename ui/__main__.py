"""``python -m ui [args]``: the same as the ``villagedesk`` command."""
import sys

from ui.launcher import main

sys.exit(main())
