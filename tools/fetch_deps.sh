#!/usr/bin/env bash
# Header and library packages for the GPU machine (no apt there): downloads the Debian packages
# below with `apt-get download` (nothing is installed) and unpacks them into .deps/root, which
# tools/gpu_train.sh hands to CMake (CMAKE_PREFIX_PATH=.deps/root/usr) and to the loader
# (LD_LIBRARY_PATH). Run on a Debian machine, then carry .deps/ with the working tree.
#   bash tools/fetch_deps.sh [DIR]     (default .deps)
set -euo pipefail
DEPS=${1:-.deps}
PKGS=(libcereal-dev libpugixml-dev libpugixml1v5 libcli11-dev)
mkdir -p "$DEPS/debs" "$DEPS/root"
(cd "$DEPS/debs" && apt-get download "${PKGS[@]}" >/dev/null) ||
  { echo "fetch_deps: apt-get download ${PKGS[*]} failed" >&2; exit 1; }
for p in "${PKGS[@]}"; do
  deb=$(ls -1 "$DEPS/debs/${p}"_*.deb | tail -n 1)
  dpkg-deb -x "$deb" "$DEPS/root"
done
for h in cereal/cereal.hpp pugixml.hpp CLI/CLI.hpp; do
  [ -f "$DEPS/root/usr/include/$h" ] || { echo "fetch_deps: $h missing after unpacking" >&2; exit 1; }
done
echo "fetch_deps: unpacked ${PKGS[*]} into $DEPS/root"
