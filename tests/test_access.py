"""Passphrase guesses are throttled per session and per client (issue 12.8), logged without the guess."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from loaders import access
from tests.conftest import REPO

PAGE = str(REPO / "pages" / "upload.py")
PASSPHRASE = "正确口令"
LOCKED = {"zh": "口令错误次数过多", "en": "Too many wrong passphrases"}
WRONG = {"zh": "口令不正确", "en": "Wrong passphrase"}
UNLOCKED = {"zh": "口令正确", "en": "Passphrase accepted"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, tmp_path) -> Clock:
    """Fresh limiters on a clock the test moves; a configured passphrase; an empty store."""
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv(access.ENV_VAR, access.hash_passphrase(PASSPHRASE, iterations=1000))
    now = Clock()
    monkeypatch.setattr(access, "SESSION_GUESSES", access.GuessLimiter(free=3, clock=now))
    monkeypatch.setattr(access, "CLIENT_GUESSES", access.GuessLimiter(free=10, clock=now))
    return now


def test_limiter_backs_off_exponentially_and_forgets():
    now = Clock()
    limiter = access.GuessLimiter(free=3, base=2.0, cap=300.0, forget_after=900.0, clock=now)
    for _ in range(3):
        assert limiter.retry_after("s") == 0
        limiter.failed("s")
    assert limiter.retry_after("s") == 2.0
    now.now += 2.0
    assert limiter.retry_after("s") == 0
    limiter.failed("s")
    assert limiter.retry_after("s") == 4.0
    for _ in range(20):
        limiter.failed("s")
    assert limiter.retry_after("s") == 300.0  # capped
    assert limiter.retry_after("other") == 0  # per key
    now.now += 901
    assert limiter.retry_after("s") == 0 and limiter.failed("s") == 1  # forgotten
    limiter.succeeded("s")
    assert limiter.failed("s") == 1


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("success", "warning", "error", "info") for e in at.get(kind))


def session(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def guess(at: AppTest, text: str) -> AppTest:
    return at.text_input(key="upload_passphrase").input(text).run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_thirty_guesses_in_one_session_check_three(clock, caplog, lang):
    at = session(lang)
    with caplog.at_level(logging.WARNING, logger="antifraud.access"):
        for n in range(30):
            guess(at, f"guess-{n}")
    assert LOCKED[lang] in texts(at) and "2" in texts(at)
    failures = [r.getMessage() for r in caplog.records if r.name == "antifraud.access"]
    assert len(failures) == 3, failures  # the other 27 were refused unchecked
    assert not [m for m in failures if "guess-" in m]  # never the guess itself
    guess(at, PASSPHRASE)
    assert LOCKED[lang] in texts(at) and UNLOCKED[lang] not in texts(at), "locked: even the right one waits"
    clock.now += 2.0  # the back-off has passed: the value in the box is checked now
    at.run()
    assert UNLOCKED[lang] in texts(at) and LOCKED[lang] not in texts(at)
    assert not at.exception


def test_a_wrong_value_left_in_the_box_counts_once(clock):
    at = guess(session(), "wrong")
    for _ in range(5):
        at.run()  # any click reruns the page with the same value
    assert WRONG["zh"] in texts(at) and LOCKED["zh"] not in texts(at)
    assert access.CLIENT_GUESSES.failed("local") == 2  # one counted before this one


def test_new_sessions_from_one_client_share_its_limit(clock, monkeypatch):
    # AppTest gives every session the same id, so the session limit is lifted here to see the client's.
    monkeypatch.setattr(access, "SESSION_GUESSES", access.GuessLimiter(free=100, clock=clock))
    for n in range(10):  # ten sessions (fresh websockets), one wrong guess each
        assert WRONG["zh"] in texts(guess(session(), f"guess-{n}"))
    fresh = guess(session(), PASSPHRASE)
    assert LOCKED["zh"] in texts(fresh) and UNLOCKED["zh"] not in texts(fresh)
    clock.now += 2.0
    assert UNLOCKED["zh"] in texts(guess(fresh, PASSPHRASE))
