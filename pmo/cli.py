"""The `pmo` command: Django's management commands under the product's name.

`pmo run`, `pmo demo`, `pmo import projects FILE.xlsx`, `pmo export projects FILE.xlsx`,
`pmo check`, `pmo migrate`… are all management commands.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pmo", *sys.argv[1:]])
