"""``python -m archive`` runs the ``portal-archive`` command."""

from .cli import main

main()
