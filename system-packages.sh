# Debian packages the tests need, each with the check that tells whether it is present.
# Sourced by test.sh (and by tests/test_system_packages.py); defines functions only.
#
# To add a package: add it to NEEDED_PACKAGES; if dpkg's own record is not the right test (a
# program or font that may come from elsewhere), define have_<name, with - as _> returning 0 when
# present. Checks never pipe a command into one that may exit early (`fc-list | grep -q`): under
# `set -o pipefail` the writer then dies of SIGPIPE (exit 141) at random and the check fails.

NEEDED_PACKAGES=(chromium fontconfig fonts-noto-cjk postgresql nginx)

have_chromium() { [ -x /usr/bin/chromium ]; }

# tests/pg.py's throw-away cluster needs the server binaries (initdb, pg_ctl), from any version.
have_postgresql() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }

# tests/e2e/test_replicas.py runs the nginx binary (Debian's `nginx`; nginx-light/-full depend on it).
have_nginx() { [ -x /usr/sbin/nginx ]; }

have_fonts_noto_cjk() {
  local families
  families="$(fc-list : family 2>/dev/null)" || return 1
  [[ "${families,,}" == *"noto sans cjk"* ]]
}

# dpkg's record: "install ok installed" only once the package is fully unpacked and configured.
package_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
  [ "$status" = "install ok installed" ]
}

have_package() {
  local check="have_${1//-/_}"
  if declare -F "$check" >/dev/null; then
    "$check"
  else
    package_installed "$1"
  fi
}

# Install the packages among "$@" that are missing, with apt-get as root or through password-less
# sudo. When that is impossible (no root, no sudo, no network) say which are missing and return 0:
# the tests that need them skip with the reason (browser tests, image exports).
ensure_packages() {
  local missing=() package
  for package in "$@"; do
    have_package "$package" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local as_root=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      echo "==> missing Debian packages: ${missing[*]}" >&2
      echo "    cannot install them here (not root, and no password-less sudo); continuing without." >&2
      echo "    The tests that need them skip with the reason. To install: sudo apt-get install ${missing[*]}" >&2
      return 0
    fi
  fi
  echo "==> installing ${missing[*]} (Debian packages)"
  if ! { "${as_root[@]}" apt-get update -qq &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "==> could not install ${missing[*]} (no network or no package source?); continuing without." >&2
    echo "    The tests that need them skip with the reason." >&2
  fi
  return 0
}
