#!/usr/bin/env bash
# Fetches the single-stroke SVG fonts (Hershey and EMS, SIL OFL) from Debian's inkscape package
# into .deps/svg_fonts without installing Inkscape: apt-get download + dpkg-deb. Nothing of it is
# committed. Best effort: without apt or network it says so and exits 0, and the fonts corpus is
# built from the Hershey .jhf fonts alone.
set -u
dest=${1:-.deps/svg_fonts}
if ls "$dest"/EMS*.svg >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "fetch_svg_fonts: no apt-get/dpkg-deb here: the fonts corpus will use the Hershey .jhf fonts only" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download inkscape >/dev/null 2>&1); then
  echo "fetch_svg_fonts: apt-get download inkscape failed: the fonts corpus will use the Hershey .jhf fonts only" >&2
  exit 0
fi
mkdir -p "$tmp/x" "$dest"
dpkg-deb --fsys-tarfile "$tmp"/inkscape_*.deb | tar -x -C "$tmp/x" --wildcards './usr/share/inkscape/extensions/svg_fonts/*' &&
  cp "$tmp"/x/usr/share/inkscape/extensions/svg_fonts/* "$dest"/ &&
  echo "fetch_svg_fonts: $(ls "$dest"/*.svg | wc -l) SVG fonts in $dest (licence: $dest/OFL.txt)" >&2
exit 0
