#!/usr/bin/env bash
# Installs the Debian 12 packages `make bench` needs on top of
# scripts/install-deps.sh (the peers of W1 and the measuring tools), and does
# nothing when they are all present. Run as root (or with sudo available).
set -euo pipefail

packages=(
  r-base-core r-cran-desolve   # R deSolve peer (model compiled in C with R CMD SHLIB)
  python3-scipy python3-numpy  # SciPy solve_ivp peer and the tight reference
  python3-h5py                 # the driver reads twinsim's HDF5 output
  time                         # /usr/bin/time -v: wall, CPU and peak memory
  linux-perf                   # the profile in docs/performance.md (optional at run time)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-bench-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
