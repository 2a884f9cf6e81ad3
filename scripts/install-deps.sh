#!/usr/bin/env bash
# Installs the Debian 12 packages twinsim needs to build and test, and does
# nothing when they are all present. Run as root (or with sudo available).
# Extra package names given as arguments are checked and installed the same way
# (bench/install-bench-deps.sh uses this).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libeigen3-dev          # Eigen
  libsundials-dev        # CVODE (SUNDIALS 6)
  libhdf5-dev hdf5-tools # HDF5 C library, h5dump/h5ls
  zlib1g-dev             # deflate of output chunks in simulation threads
  libyaml-cpp-dev        # YAML
  catch2                 # Catch2 v2 tests
  libcli11-dev           # CLI11
  librandom123-dev       # Random123 (Philox)
  libboost-math-dev      # Boost.Math (beta distribution, quadrature, erfc_inv)
  libcsv-dev             # CSV reader (covariate tables, data sets)
  libnlopt-dev           # NLopt: BOBYQA, the MAP optimiser of twinsim fit
  libssl-dev             # libcrypto SHA-256: cache key of compiled user models (pkpd/user)
  libomp-dev             # OpenMP runtime
  python3-h5py python3-numpy  # end-to-end tests open the HDF5 output in h5py
  python3-pandas r-cran-hdf5r # the tests run docs/hdf5-schema.md's Python and R examples
  libjs-vega             # Vega, inlined into `twinsim report --format html` at run time
  chromium               # the end-to-end tests open the HTML reports headless
  pybind11-dev python3-dev    # `make python`: the twinsim Python module
  libopenmpi-dev openmpi-bin  # MPI sweeps (TWINSIM_MPI=ON; the MPI test runs mpirun)
  clang libclang-rt-14-dev libomp-14-dev  # sanitizer + libFuzzer build (make test, make fuzz)
  "$@"
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

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
