"""The codes themselves: TOTP secrets and their check (pyotp), recovery codes, the QR code.

A code is checked against the current 30-second step and one step either side, for a
phone clock a little off; only a step later than the last one accepted counts, so the same
code never works twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

import pyotp
import segno

from goalkeeper import sealing

PURPOSE = b"goalkeeper-twofactor-secrets"
ISSUER = "Goalkeeper"
STEP_SECONDS = 30
# Steps either side of now that still count (RFC 6238 recommends at most one).
DRIFT_STEPS = 1
RECOVERY_COUNT = 10
# Lower-case letters and digits without look-alikes (0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (what authenticator apps expect)."""
    return pyotp.random_base32(32)


def seal(secret: str) -> str:
    return sealing.box(PURPOSE).encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    return sealing.box(PURPOSE).decrypt(token.encode()).decode()


def step_of(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def normalise_code(raw: object) -> str:
    """What a person typed, without spaces and dashes, lower-case."""
    return "".join(str(raw or "").split()).replace("-", "").lower()


def matching_step(secret: str, code: str, after_step: int, moment: dt.datetime) -> int | None:
    """The time step whose code `code` is, if it is later than `after_step`; else None."""
    # ASCII digits only: str.isdigit() takes "١٢٣٤٥٦" too, which compare_digest refuses.
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = step_of(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an SVG `data:` URI for an `<img>`, dark on light.

    A data URI rather than inline markup, so the page marks nothing safe: escaping stays on
    everywhere (tests/security/test_headers.py).
    """
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def new_recovery_codes() -> list[str]:
    """Fresh recovery codes, shown as `xxxxx-xxxxx`."""
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
