from __future__ import annotations

import sys

from salonctl.cli import main

sys.exit(main())
