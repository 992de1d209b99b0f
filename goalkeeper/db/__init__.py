"""Database plumbing below every app: the SQLite backend that waits for the write lock."""
