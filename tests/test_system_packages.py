"""system-packages.sh, test.sh's checks for the Debian packages the tests need.

Every check runs under `set -euo pipefail`, as in test.sh, against stub commands (fc-list,
dpkg-query, id, sudo, apt-get) in a folder put first on PATH, so the outcome never depends on this
machine. The stub fc-list prints far more than a pipe buffer, as fontconfig does on a desktop with
many fonts: enough for a `fc-list | grep -q` to die of SIGPIPE.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "system-packages.sh"
BASH = "/bin/bash"
MANY_FAMILIES = 'for ((i = 0; i < 4000; i++)); do printf "%s\\n" "{first}" "DejaVu Sans,DejaVu Sans Condensed {{i}}"; done\n'


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!{BASH}\n{body}", encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def stubs(tmp_path) -> Path:
    """A folder of stub commands: a root user, every package known to dpkg, apt-get that logs its calls."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "apt.log"
    stub(folder, "id", 'echo "${UID_STUB:-0}"\n')
    stub(folder, "dpkg-query", 'echo -n "install ok installed"\n')
    stub(folder, "fc-list", MANY_FAMILIES.replace("{first}", "Noto Sans CJK SC,Noto Sans CJK SC Regular"))
    stub(folder, "apt-get", f'echo "$*" >> "{log}"\nexit "${{APT_STATUS:-0}}"\n')
    stub(folder, "sudo", 'exit 1  # asks for a password\n')
    return folder


def run(stubs: Path, script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BASH, "-c", f"set -euo pipefail\nsource {SCRIPT}\n{script}"],
        env={"PATH": f"{stubs}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def apt_calls(stubs: Path) -> list[str]:
    log = stubs.parent / "apt.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_the_old_pipe_check_fails_with_sigpipe_on_a_long_font_list(stubs):
    # What test.sh did: grep -q stops at the first match, fc-list is killed writing the rest.
    done = run(stubs, 'fc-list | grep -qi "Noto Sans CJK"')
    assert done.returncode == 141


def test_the_font_check_succeeds_every_time_under_pipefail(stubs):
    done = run(stubs, 'for ((n = 0; n < 30; n++)); do have_package fonts-noto-cjk || { echo "failed at $n"; exit 1; }; done')
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize(
    ("fc_list", "present"),
    [
        (MANY_FAMILIES.replace("{first}", "Noto Sans CJK JP:style=Bold"), True),
        (MANY_FAMILIES.replace("{first}", "Noto Serif"), False),
        ("exit 1\n", False),  # fontconfig broken or half installed
    ],
    ids=["present", "other-fonts", "fc-list-fails"],
)
def test_the_font_check_reads_the_installed_families(stubs, fc_list, present):
    stub(stubs, "fc-list", fc_list)
    assert (run(stubs, "have_package fonts-noto-cjk").returncode == 0) is present


def test_the_font_check_fails_without_fontconfig(stubs):
    (stubs / "fc-list").unlink()
    done = subprocess.run(
        [BASH, "-c", f"set -euo pipefail\nsource {SCRIPT}\nhave_package fonts-noto-cjk"],
        env={"PATH": str(stubs)},  # no fc-list anywhere
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1


@pytest.mark.parametrize(
    ("dpkg_query", "present"),
    [
        ('echo -n "install ok installed"\n', True),
        ('echo -n "deinstall ok config-files"\n', False),  # removed, its configuration left behind
        ('echo -n "install ok half-configured"\n', False),
        ('echo "dpkg-query: no packages found matching $3" >&2\nexit 1\n', False),
    ],
    ids=["installed", "removed", "half-configured", "unknown"],
)
def test_other_packages_are_checked_with_dpkg_status(stubs, dpkg_query, present):
    stub(stubs, "dpkg-query", dpkg_query)
    assert (run(stubs, "have_package fontconfig").returncode == 0) is present


def test_nothing_is_installed_when_everything_is_present(stubs):
    done = run(stubs, "ensure_packages fontconfig fonts-noto-cjk")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert apt_calls(stubs) == []


def test_root_installs_only_what_is_missing(stubs):
    stub(stubs, "fc-list", MANY_FAMILIES.replace("{first}", "Noto Serif"))
    done = run(stubs, "ensure_packages fontconfig fonts-noto-cjk")
    assert done.returncode == 0, done.stderr
    assert apt_calls(stubs) == ["update -qq", "install -y -qq --no-install-recommends fonts-noto-cjk"]


@pytest.mark.parametrize("sudo", ["needs-password", "absent"])
def test_without_root_or_sudo_it_says_what_is_missing_and_continues(stubs, sudo):
    stub(stubs, "fc-list", MANY_FAMILIES.replace("{first}", "Noto Serif"))
    if sudo == "absent":
        (stubs / "sudo").unlink()
        for name in ("env", "cat"):
            (stubs / name).symlink_to(f"/usr/bin/{name}")
        path = str(stubs)
    else:
        path = f"{stubs}:/usr/bin:/bin"
    done = subprocess.run(
        [BASH, "-c", f"set -euo pipefail\nsource {SCRIPT}\nensure_packages fontconfig fonts-noto-cjk\necho continued"],
        env={"PATH": path, "UID_STUB": "1000"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "continued\n")
    assert "missing Debian packages: fonts-noto-cjk" in done.stderr
    assert "not root, and no password-less sudo" in done.stderr
    assert apt_calls(stubs) == []


def test_a_failed_install_says_so_and_continues(stubs):
    stub(stubs, "fc-list", "exit 1\n")
    done = run(stubs, "ensure_packages fonts-noto-cjk\necho continued", APT_STATUS="100")  # e.g. no network
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "continued")
    assert "could not install fonts-noto-cjk" in done.stderr
    assert apt_calls(stubs) == ["update -qq"]


def test_test_sh_checks_every_needed_package_and_pipes_nothing_into_an_early_exit():
    done = subprocess.run([BASH, "-c", f"source {SCRIPT}; echo ${{NEEDED_PACKAGES[*]}}"], capture_output=True, text=True)
    assert set(done.stdout.split()) >= {"chromium", "fontconfig", "fonts-noto-cjk"}
    test_sh = (REPO / "test.sh").read_text(encoding="utf-8")
    assert 'ensure_packages "${NEEDED_PACKAGES[@]}"' in test_sh
    for script in (test_sh, SCRIPT.read_text(encoding="utf-8"), (REPO / "setup.sh").read_text(encoding="utf-8")):
        code = "\n".join(line.split("#", 1)[0] for line in script.splitlines())
        assert not re.search(r"\|\s*(grep\s+-\w*[qm]|head\b)", code)
