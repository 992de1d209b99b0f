"""Django's SQLite backend, with writers that wait their turn (see `base.py`)."""
