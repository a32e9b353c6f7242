import sys

from shitpostbot.cli import main

sys.exit(main())
