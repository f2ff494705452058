#!/usr/bin/env bash
# Installs the Debian packages Frontdesk builds against, when missing.
#   scripts/setup.sh          the five C libraries (SQLite, libcurl, OpenSSL, libmicrohttpd, libpsl)
#   scripts/setup.sh --test   also what the integration tests use (Chromium, chromedriver, Python test helpers)
set -euo pipefail

case "${1:-}" in
  "" | --test) ;;
  *)
    echo "usage: scripts/setup.sh [--test]   (--test also installs what the integration tests use)" >&2
    exit 2
    ;;
esac

packages=(libsqlite3-dev libcurl4-openssl-dev libssl-dev libmicrohttpd-dev libpsl-dev pkg-config)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium chromium-driver python3-pip)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "setup: installing ${missing[*]} with sudo" >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing packages; run as root:  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v swift >/dev/null; then
  echo "setup: Swift 6 is not on PATH (https://www.swift.org/install/linux/)" >&2
  exit 1
fi

if [[ "${1:-}" == "--test" ]]; then
  # Test-only helpers (a local SMTP sink, the browser driver); never used by the product.
  python3 -c "import aiosmtpd, selenium, axe_selenium_python" 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check aiosmtpd selenium axe-selenium-python >/dev/null
fi
