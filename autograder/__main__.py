"""``python -m autograder``: the same command line as ``autograder``."""
import sys

from .cli import main

sys.exit(main())
