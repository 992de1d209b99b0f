"""Two-factor authentication: a time-based one-time code (TOTP) per login, recovery codes,
and a workspace's requirement that its people use it (docs/security.md)."""
