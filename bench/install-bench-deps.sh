#!/usr/bin/env bash
# Installs the Debian 12 packages `make bench` needs on top of
# scripts/install-deps.sh (the peers of W1 and the measuring tools), and does
# nothing when they are all present. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/install-deps.sh \
  r-base-core r-cran-desolve \
  python3-scipy python3-numpy \
  python3-h5py \
  time \
  linux-perf
# r-base-core, r-cran-desolve: R deSolve peer (model compiled in C with R CMD SHLIB)
# python3-scipy: SciPy solve_ivp peer and the tight reference
# time: /usr/bin/time -v (wall, CPU and peak memory); linux-perf: the profile in docs/performance.md
