"""Helper scripts (serve_many.sh, appserver.py); importable as ``scripts`` from the repository root."""
