#!/usr/bin/env bash
# A copy of Debian's fortunes for the training machine (no apt there): the English files as they
# are (fortunes-it's links beside them stay links, so the corpus's English loader, which reads
# regular files only, still leaves them out), and the German, Spanish and Italian folders with
# their links followed (fortunes-de's point to /usr/share/games/fortunes-de, which the other
# machine lacks). Run on a Debian machine with make setup's packages; carry the folder along.
#   bash tools/fetch_fortunes.sh [DIR]     (default .deps/fortunes)
set -euo pipefail
SRC=/usr/share/games/fortunes
DIR=${1:-.deps/fortunes}
[ -d "$SRC" ] || { echo "fetch_fortunes: $SRC is missing (make setup installs fortunes)" >&2; exit 1; }
rm -rf "$DIR" && mkdir -p "$DIR"
find "$SRC" -maxdepth 1 ! -type d -exec cp -P {} "$DIR/" \;
for lang in de es it; do
  [ -d "$SRC/$lang" ] && cp -rL "$SRC/$lang" "$DIR/$lang"
done
echo "fetch_fortunes: $(find "$DIR" -type f | wc -l) files in $DIR"
