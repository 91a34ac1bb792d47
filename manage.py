#!/usr/bin/env python
"""Django's command-line utility; `pmo` (pmo.cli) is the same thing under the product's name."""

from pmo.cli import main

if __name__ == "__main__":
    main()
