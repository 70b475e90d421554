# Thin wrapper: every target installs what it needs (make setup) and builds what is missing.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

# Handwriting outline fonts (hw-train strokefonts; licences in NOTICE).
HAND_FONT_PACKAGES := fonts-dkg-handwriting fonts-breip fonts-sjfonts fonts-bwht fonts-humor-sans \
            fonts-comic-neue fonts-ecolier-court fonts-dancingscript fonts-tomsontalks fonts-rufscript \
            fonts-kristi fonts-havana
# Debian packages the build, the tests and the demo need (installed with --no-install-recommends).
PACKAGES := cmake ninja-build g++ make pkg-config libeigen3-dev nlohmann-json3-dev doctest-dev \
            libcereal-dev libpugixml-dev libtorch-dev librsvg2-bin emscripten chromium wabt \
            hershey-fonts-data fortunes fortunes-min python3 tesseract-ocr tesseract-ocr-eng \
            libfreetype-dev libcli11-dev libcairo2-dev $(HAND_FONT_PACKAGES)

.PHONY: all setup build test demo fixtures bench eval clean corpus hand-fonts
.PHONY: wasm test-web node-deps bench-web bench-native bench-browser test-asan fuzz

all: build

setup:
	@bash tools/setup.sh $(PACKAGES)

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	$(MAKE) wasm
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-asan
	$(MAKE) test-web

# ---- Sanitizers and fuzzing (docs/RELIABILITY.md) ----
# The core, reader, data and CLI tests and the fuzz replays again under AddressSanitizer and
# UndefinedBehaviorSanitizer (any compiler, no LibTorch), in $(ASAN_BUILD); part of `make test`.
ASAN_BUILD ?= build-asan
ASAN_TESTS := test_core test_data hw fuzz-targets
$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
	  -DHW_SANITIZE=ON -DHW_TORCH=OFF
test-asan: setup $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(ASAN_TESTS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -R '^(core|data|cli|fuzz_.*)$$'

# libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in $(FUZZ_BUILD), each run FUZZ_SECONDS;
# FUZZ_TARGETS="hwm ink" runs some. Inputs that crash land in tests/fuzz/regressions/NAME/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_PACKAGES := clang
$(FUZZ_BUILD)/build.ninja:
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DHW_FUZZ=ON -DHW_TORCH=OFF
fuzz:
	@bash tools/setup.sh $(PACKAGES) $(FUZZ_PACKAGES)
	$(MAKE) $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz-targets
	bash tests/fuzz/run_fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The page: builds the WASM modules if missing, then serves web/ on 127.0.0.1:8080 (PORT=...).
demo: setup web/dist/hw.mjs
	node tools/serve.mjs web

# Legibility of a model: OCR character error rate of its writing beside that of the dataset's own
# ink (slow, so not part of `make test`). The JSON goes to $(BUILD)/eval/eval.json.
MODEL      ?= web/models/default.hwm
DATA       ?= $(BUILD)/corpus/fonts.hwds
EVAL_LINES ?= 100
eval: build
	@test -f $(MODEL) || { echo "eval: no model $(MODEL) (give MODEL=path.hwm)" >&2; exit 2; }
	@test -f $(DATA) || { echo "eval: no dataset $(DATA) (build the fonts corpus, or give DATA=path.hwds)" >&2; exit 2; }
	@mkdir -p $(BUILD)/eval
	$(BUILD)/bin/hw-train eval --model $(MODEL) --data $(DATA) --lines $(EVAL_LINES) --out $(BUILD)/eval > /dev/null
	@cat $(BUILD)/eval/eval.md

# Regenerates the golden fixtures from LibTorch (commit the result).
fixtures: build
	$(BUILD)/bin/make_fixtures tests/fixtures

# The fonts corpus for training (20,000 lines unless CORPUS_LINES says otherwise); the SVG fonts
# are fetched first when apt can (tools/fetch_svg_fonts.sh), else the Hershey .jhf fonts alone.
CORPUS_LINES ?= 20000
corpus: build hand-fonts
	@bash tools/fetch_svg_fonts.sh .deps/svg_fonts
	@mkdir -p $(BUILD)/corpus
	$(BUILD)/bin/hw-train data --fonts --lines $(CORPUS_LINES) --svg-fonts .deps/svg_fonts --hand-fonts $(HAND_FONTS) --out $(BUILD)/corpus/fonts.hwds --preview $(BUILD)/corpus/fonts-preview.svg > $(BUILD)/corpus/fonts-summary.json
	@echo "wrote $(BUILD)/corpus/fonts.hwds (summary: $(BUILD)/corpus/fonts-summary.json)"

# Debian's handwriting outline fonts as single-stroke SVG fonts (hw-train strokefonts, which
# needs FreeType): .deps/hand_fonts/hand-*.svg with summary.json and preview.svg. The folder is
# small and travels to the training machine, which has no FreeType.
HAND_FONTS ?= .deps/hand_fonts
hand-fonts: build
	@$(BUILD)/bin/hw-train --help | grep -q '^  strokefonts' || \
	  { echo "hand-fonts: hw-train was built without FreeType (make setup installs libfreetype-dev)" >&2; exit 2; }
	@mkdir -p $(HAND_FONTS)
	$(BUILD)/bin/hw-train strokefonts --out $(HAND_FONTS) --preview $(HAND_FONTS)/preview.svg > $(HAND_FONTS)/summary.json
	@echo "wrote $(HAND_FONTS)/hand-*.svg (summary: $(HAND_FONTS)/summary.json; rsvg-convert -o p.png $(HAND_FONTS)/preview.svg to look)"

# ---- WebAssembly (wasm/): the core as ES modules in web/dist/ (SIMD and scalar) ----
WASM_BUILD ?= build-wasm
export NODE_PATH ?= /usr/share/nodejs
$(WASM_BUILD)/build.ninja:
	emcmake cmake -S . -B $(WASM_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DHW_TESTS=OFF \
	  -DCMAKE_CROSSCOMPILING_EMULATOR="/usr/bin/node;--no-experimental-fetch" \
	  -DEigen3_DIR=/usr/share/eigen3/cmake -Dnlohmann_json_DIR=$(CURDIR)/wasm/cmake
wasm: setup $(WASM_BUILD)/build.ninja
	cmake --build $(WASM_BUILD) -j $(JOBS)
web/dist/hw.mjs:
	$(MAKE) wasm

# Node tests of the WASM build, then browser tests (Chromium via playwright-core, installed if missing).
node-deps:
	@[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
test-web: node-deps
	node --test tests/web/*.test.mjs
	node --test tests/web/browser.spec.mjs tests/web/own.spec.mjs tests/web/scalar.spec.mjs tests/web/page_export.spec.mjs
	node --test tests/web/long_text.spec.mjs
# Steps per second of the WASM core in node (SIMD and scalar) on the default model as f32, f16 and
# int8 files (JSON: $(BUILD)/bench-web.json); reports, never fails.
bench-web: build web/dist/hw.mjs
	BUILD=$(BUILD) node bench/web_bench.mjs --json $(BUILD)/bench-web.json

# Steps per second of the native core on the default model per stored precision and kernel set,
# and of 4 and 8 lines stepped together (JSON: $(BUILD)/bench-native.json); reports, never fails.
bench-native: build
	$(BUILD)/bin/bench_native --model web/models/default.hwm --json $(BUILD)/bench-native.json

# Headless Chromium: the project's modules, TF.js wasm and plain JS in one page, and the time to
# first stroke, cold (JSON: $(BUILD)/bench-browser.json); reports, never fails on time.
bench-browser: build web/dist/hw.mjs
	BUILD=$(BUILD) node bench/browser_bench.mjs --json $(BUILD)/bench-browser.json

# All the benchmarks (they report numbers and never fail on time; not part of `make test`):
# the trainer's updates per second on random data (CPU LibTorch; a short run of a small batch,
# since one full-size update, batch 128 x 400 points, takes minutes on a CPU), then this machine's
# cache bandwidth, the native core, the WASM core in node and in Chromium; bench/report.mjs merges
# them with bench/results-gpu.json into bench/results.json and prints the table.
# Override the trainer's shape with TRAIN_BENCH_ARGS, e.g. "--batch 128 --points 400 --steps 2".
TRAIN_BENCH_ARGS ?= --device cpu --batch 8 --points 100 --chars 10 --steps 3
bench: build web/dist/hw.mjs
	@if $(BUILD)/bin/hw-train --help | grep -q '^  bench'; then \
	  echo "hw-train bench $(TRAIN_BENCH_ARGS)"; $(BUILD)/bin/hw-train bench $(TRAIN_BENCH_ARGS); \
	else echo "bench: hw-train was built without LibTorch: no trainer benchmark"; fi
	@if [ -x $(BUILD)/bin/bench_bandwidth ]; then $(BUILD)/bin/bench_bandwidth --json $(BUILD)/bench-bandwidth.json; \
	else echo "bench: no bench_bandwidth on this CPU (x86-64 only): no physical limit"; rm -f $(BUILD)/bench-bandwidth.json; fi
	$(MAKE) bench-native
	$(MAKE) bench-web
	$(MAKE) bench-browser
	node bench/report.mjs $(BUILD)

clean:
	rm -rf $(BUILD) $(WASM_BUILD) web/dist
