# Thin wrapper: every target installs what it needs (make setup) and builds what is missing.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

# Debian packages the build, the tests and the demo need (installed with --no-install-recommends).
PACKAGES := cmake ninja-build g++ make pkg-config libeigen3-dev nlohmann-json3-dev doctest-dev \
            libcereal-dev libpugixml-dev libtorch-dev librsvg2-bin emscripten chromium wabt \
            hershey-fonts-data fortunes fortunes-min python3 tesseract-ocr tesseract-ocr-eng

.PHONY: all setup build test demo fixtures bench eval clean corpus

all: build

setup:
	@bash tools/setup.sh $(PACKAGES)

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Until the page exists, the main job writes a sample with the CLI.
demo: build
	@mkdir -p $(BUILD)/demo
	$(BUILD)/bin/hw sample --model tests/fixtures/synthesis_small.hwm --text "hello world" --seed 1 -o $(BUILD)/demo/hello.svg
	@echo "wrote $(BUILD)/demo/hello.svg"

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
corpus: build
	@bash tools/fetch_svg_fonts.sh .deps/svg_fonts
	@mkdir -p $(BUILD)/corpus
	$(BUILD)/bin/hw-train data --fonts --lines $(CORPUS_LINES) --svg-fonts .deps/svg_fonts --out $(BUILD)/corpus/fonts.hwds --preview $(BUILD)/corpus/fonts-preview.svg > $(BUILD)/corpus/fonts-summary.json
	@echo "wrote $(BUILD)/corpus/fonts.hwds (summary: $(BUILD)/corpus/fonts-summary.json)"

clean:
	rm -rf $(BUILD)
