"""Every write of the exports app: `requests` (ask, download, delete) and `running` (the
worker's side: carry out, expire)."""
