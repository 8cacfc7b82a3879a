#!/usr/bin/env bash
# Installs the Debian packages dioharness needs, only those missing.
# As root: apt-get installs them. Otherwise: prints the exact command and fails.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  clang libclang-rt-14-dev
  fuse3 libfuse3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libxxhash-dev
  librsvg2-bin libxml2-utils
  groff-base
  fio libaio-dev
)

# QEMU 10.0 or later (the engine users point the fixture at; the qemu-labelled
# tests drive it). Debian bookworm has it in bookworm-backports only: that
# suite is added in a sources file of its own, and said so. Set
# DIOHARNESS_NO_QEMU=1 to leave QEMU out (the qemu tests then skip, saying why).
qemu_ok() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 || return 1
  local version
  version=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p')
  [[ -n "$version" && "$version" -ge 10 ]]
}

install_qemu() {
  [[ "${DIOHARNESS_NO_QEMU:-0}" == 1 ]] && return 0
  qemu_ok && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "QEMU 10.0 or later is missing (the qemu tests will skip). As root: scripts/install-deps.sh" >&2
    return 0
  fi
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  export DEBIAN_FRONTEND=noninteractive
  if [[ "$codename" == bookworm ]]; then
    local sources=/etc/apt/sources.list.d/bookworm-backports.sources
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "Adding Debian's bookworm-backports suite for QEMU 10.0: $sources"
      printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
        'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$sources"
    fi
    echo "Installing qemu-system-x86 from bookworm-backports"
    apt-get update -qq
    apt-get install -y -qq -t bookworm-backports --no-install-recommends qemu-system-x86
  else
    echo "Installing qemu-system-x86"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends qemu-system-x86
  fi
  qemu_ok || echo "QEMU 10.0 or later could not be installed here: the qemu tests will skip" >&2
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  install_qemu
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "dioharness needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
install_qemu
