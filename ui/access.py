"""The analyst passphrase on a page: each guess counted and throttled per session and per client.

A guess is checked once: reruns with the same text in the box reuse the verdict (the PBKDF2 hash
costs ~0.1 s, and a wrong value left in the box must not count again at every click). While a
session or its client address must wait (loaders.access.GuessLimiter), a new guess is refused
without being checked, and the page says for how long. Failed guesses are logged on the server
with the session and client, never with the guess.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from loaders import access

VERDICT_KEY = "_upload_passphrase_verdict"
_PEPPER = secrets.token_bytes(16)  # the session keeps a keyed digest of the last guess, not the guess
log = logging.getLogger("antifraud.access")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    retry_after: int = 0  # seconds; > 0 when the guess was refused unchecked


def _client() -> str:
    """The connection's address (the TCP peer; None for localhost and tests, which share one key)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client context: count it with the local ones
        address = None
    return address if isinstance(address, str) and address else "local"


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "none"


def verify_guess(passphrase: str, configured: str) -> Verdict:
    """Check the passphrase typed in this session, counting and throttling failures.

    Raises access.PassphraseConfigError when the configured hash cannot be read."""
    if not passphrase:
        return Verdict(False)
    digest = hmac.new(_PEPPER, passphrase.encode("utf-8") + b"\0" + configured.encode("utf-8"), hashlib.sha256).digest()
    remembered = st.session_state.get(VERDICT_KEY)
    if remembered is not None and hmac.compare_digest(remembered[0], digest):
        return Verdict(remembered[1])
    session, client = _session(), _client()
    keys = [(access.SESSION_GUESSES, session), (access.CLIENT_GUESSES, client)]
    wait = access.retry_after(keys)
    if wait > 0:
        return Verdict(False, retry_after=max(1, math.ceil(wait)))
    ok = access.verify_passphrase(passphrase, configured)
    st.session_state[VERDICT_KEY] = (digest, ok)
    if ok:
        access.SESSION_GUESSES.succeeded(session)
        return Verdict(True)
    by_session = access.SESSION_GUESSES.failed(session)
    by_client = access.CLIENT_GUESSES.failed(client)
    log.warning(
        "wrong analyst passphrase: session %s, client %s (%d failures for the session, %d for the client)",
        session[:8],
        client,
        by_session,
        by_client,
    )
    return Verdict(False)
