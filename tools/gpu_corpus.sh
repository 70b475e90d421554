#!/usr/bin/env bash
# The fonts corpus on the GPU machine (.gpu-data/fonts.hwds), built there from the fonts and
# fortunes carried in .deps/ when missing; hw-train must be built (tools/gpu_build.sh).
#   LINES=100000 bash tools/gpu_corpus.sh
set -euo pipefail
LINES=${LINES:-100000}
DATA=.gpu-data/fonts.hwds
mkdir -p .gpu-data
export LD_LIBRARY_PATH=$PWD/.deps/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
if [ ! -f $DATA ]; then
  build-gpu/bin/hw-train data --fonts --lines "$LINES" --seed 1 --threads 16 --hershey-fonts .deps/hershey \
    --fortunes .deps/fortunes --svg-fonts .deps/svg_fonts --hand-fonts .deps/hand_fonts --out $DATA >$DATA.json 2>.gpu-data/data.log
  head -c 400 $DATA.json; echo
fi
