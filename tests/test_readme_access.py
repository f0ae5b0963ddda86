"""The README says, next to the run command, that uploads are open until a passphrase is set, and how to set one (issue 11.14)."""

from __future__ import annotations

from loaders.access import ENV_VAR, SECRET_KEY
from tests.conftest import REPO


def test_readme_says_uploads_are_open_until_a_passphrase_is_set_next_to_the_run_command():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    run = text.index("bash run.sh")
    nearby = text[run : run + 1500]  # the run command's block and what follows it
    assert "open to anyone who can reach the page" in nearby
    assert "python -m loaders hash-passphrase" in nearby
    assert ENV_VAR in nearby and SECRET_KEY in nearby and ".streamlit/secrets.toml" in nearby
