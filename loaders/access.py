"""The analyst passphrase: uploading and removing need it when one is configured.

The passphrase is stored only as a salted PBKDF2-SHA256 hash, in the environment variable
`ANTIFRAUD_UPLOAD_PASSPHRASE_HASH` or as `upload_passphrase_hash` in `.streamlit/secrets.toml`.
Make one with `python -m loaders hash-passphrase`. Viewing never needs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

ENV_VAR = "ANTIFRAUD_UPLOAD_PASSPHRASE_HASH"
SECRET_KEY = "upload_passphrase_hash"
ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 310_000


class PassphraseConfigError(ValueError):
    """A configured hash that cannot be read (so uploads stay locked rather than open)."""


def hash_passphrase(passphrase: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>` for a passphrase."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"{ALGORITHM}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify_passphrase(passphrase: str, encoded: str) -> bool:
    """True when the passphrase matches the encoded hash (constant-time comparison)."""
    try:
        algorithm, iterations, salt, digest = encoded.strip().split("$")
        if algorithm != ALGORITHM:
            raise ValueError(algorithm)
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError) as error:
        raise PassphraseConfigError(f"unreadable passphrase hash: {error}") from error
    return hmac.compare_digest(actual, expected)


def configured_hash(secrets_mapping: object | None = None) -> str | None:
    """The configured hash: the environment first, then Streamlit secrets (any mapping)."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return value
    if secrets_mapping is not None:
        try:
            value = str(secrets_mapping.get(SECRET_KEY, "") or "").strip()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a missing or broken secrets.toml means "not configured"
            value = ""
    return value or None
