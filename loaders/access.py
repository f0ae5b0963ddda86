"""The analyst passphrase: uploading and removing need it when one is configured.

The passphrase is stored only as a salted PBKDF2-SHA256 hash, in the environment variable
`ANTIFRAUD_UPLOAD_PASSPHRASE_HASH` or as `upload_passphrase_hash` in `.streamlit/secrets.toml`.
Make one with `python -m loaders hash-passphrase`. Viewing never needs it.

Guessing is slowed by `GuessLimiter` (one per server process: the upload page keys it by session and
by client address). The counts live in this process only: with several server processes or replicas
behind a balancer each keeps its own, so a guesser spread over N replicas gets N times the tries; a
shared limit needs a shared counter (the database or a cache server), left for the issue that adds
replicas.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

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


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class GuessLimiter:
    """Failed passphrase guesses per key (a session, a client address), with exponential back-off.

    The first `free` failures of a key cost nothing; after that each guess must wait
    `base * 2 ** (failures - free)` seconds (at most `cap`) after the key's last failure, and is
    refused unchecked until then. A key's failures are forgotten `forget_after` seconds after its last
    one, or when it succeeds. Thread-safe; process-local (see the module docstring).
    """

    def __init__(
        self,
        free: int,
        base: float = 2.0,
        cap: float = 300.0,
        forget_after: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free, self.base, self.cap, self.forget_after, self.clock = free, base, cap, forget_after, clock
        self._failures: dict[Hashable, _Failures] = {}
        self._lock = threading.Lock()

    def _current(self, key: Hashable, now: float) -> _Failures | None:
        entry = self._failures.get(key)
        if entry is not None and now - entry.last > self.forget_after:
            del self._failures[key]
            return None
        return entry

    def _delay(self, count: int) -> float:
        return 0.0 if count < self.free else min(self.cap, self.base * 2 ** (count - self.free))

    def retry_after(self, key: Hashable) -> float:
        """Seconds until `key` may guess again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            entry = self._current(key, now)
            if entry is None:
                return 0.0
            return max(0.0, entry.last + self._delay(entry.count) - now)

    def failed(self, key: Hashable) -> int:
        """Count a failed guess; the key's failures so far."""
        now = self.clock()
        with self._lock:
            entry = self._current(key, now) or self._failures.setdefault(key, _Failures())
            entry.count += 1
            entry.last = now
            if len(self._failures) > 10_000:  # many keys: drop the forgotten ones
                for old in [k for k, e in self._failures.items() if now - e.last > self.forget_after]:
                    del self._failures[old]
            return entry.count

    def succeeded(self, key: Hashable) -> None:
        with self._lock:
            self._failures.pop(key, None)


def retry_after(limiters: Iterable[tuple[GuessLimiter, Hashable]]) -> float:
    """The longest wait over (limiter, key) pairs."""
    return max((limiter.retry_after(key) for limiter, key in limiters), default=0.0)


# The server's limits: a session may try 3 times freely, a client address 10 times (several analysts
# may share one address behind a NAT); then 2, 4, 8 … s between guesses, at most 5 minutes.
SESSION_GUESSES = GuessLimiter(free=3)
CLIENT_GUESSES = GuessLimiter(free=10)
