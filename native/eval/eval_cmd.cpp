// hw-train eval: how legible is a synthesis model? Writes held-out validation texts at several
// biases, renders each (SVG, then PNG through rsvg-convert), reads it back with Tesseract and
// reports the character error rate next to the CER of the dataset's own ink for the same lines:
// OCR is imperfect even on real writing, so only the gap between the two means something.
#include "eval_cmd.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "exit_codes.h"
#include "dataset.h"
#include "files.h"
#include "generator.h"
#include "json_text.h"
#include "model_file.h"
#include "ocr_eval.h"
#include "render.h"
#include "text.h"

namespace hw {
namespace {

const char* kEvalUsage =
    "usage: hw-train eval --model M.hwm --data D.hwds [--lines N] [--bias 0,0.5,1,2] [--seed S]\n"
    "                     [--out DIR] [--gallery DIR/gallery.png] [--threads T]\n"
    "  Writes the texts of the first N validation lines (default 100) at each bias (line i uses\n"
    "  seed S+i), reads them back with tesseract and prints the character error rate beside the\n"
    "  CER of the dataset's own ink for the same lines. Writes DIR/eval.json, DIR/eval.md,\n"
    "  DIR/readings.jsonl and the gallery (default DIR = build/eval). Needs tesseract-ocr,\n"
    "  tesseract-ocr-eng and librsvg2-bin.\n";

constexpr float kTextPixels = 96.0f;       // Tesseract reads best near this line height (TOOLCHAIN.md)
constexpr float kMaxInkPixels = 4 * kTextPixels;  // runaway samples are shrunk to this height
constexpr size_t kGalleryLines = 3;
constexpr uint64_t kMaxGalleryBytes = uint64_t(256) << 20;  // the gallery PNG read back from rsvg-convert

struct EvalConfig {
    std::string model_path, data_path, out_dir = "build/eval", gallery_path;
    size_t lines = 100;
    std::vector<float> biases = {0.0f, 0.5f, 1.0f, 2.0f};
    uint64_t seed = 0;
    int threads = 2;
};

// One drawing read back: the dataset's ink (ground truth) or a generated sample.
struct Sample {
    std::string reading;
    size_t distance = 0;
    int steps = 0;          // points drawn
    bool finished = false;  // attention reached the end of the text before the cap
    bool capped = false;    // stopped by the step cap
    std::vector<InkStroke> ink;  // kept only for the gallery lines
};

// A validation line the model can write: its text as the reference and its ink.
struct EvalLine {
    const DataLine* data = nullptr;
    std::string reference;  // UTF-8, after the core's typography mapping
    size_t chars = 0;
};

struct Totals {
    CerTally cer;
    CerTally cer_read;  // over the lines tesseract read at all (a blank reading is its failure, not only the writing's)
    size_t finished = 0, capped = 0, steps = 0, chars = 0, count = 0, unread = 0;
};

Status parse_biases(const std::string& text, std::vector<float>& out) {
    out.clear();
    for (const std::string& item : split_list(text)) {
        char* stop = nullptr;
        const double v = std::strtod(item.c_str(), &stop);
        if (item.empty() || *stop != '\0' || !std::isfinite(v) || v < 0 || v > 20)
            return Status::error("option --bias: \"" + item + "\" is not a number in [0, 20] (give e.g. 0,0.5,1,2)");
        out.push_back(static_cast<float>(v));
    }
    return Status::success();
}

Status read_config(int argc, char** argv, EvalConfig& c) {
    Args a({"--model", "--data", "--lines", "--bias", "--seed", "--out", "--gallery", "--threads"}, {"--help"});
    Status s = a.parse(argc, argv, 2);
    if (!s) return s;
    if (!a.has("--model") || !a.has("--data")) return Status::error("eval needs --model and --data");
    c.model_path = a.get("--model");
    c.data_path = a.get("--data");
    c.out_dir = a.get("--out", c.out_dir);
    c.gallery_path = a.get("--gallery", c.out_dir + "/gallery.png");
    long long lines = 100, seed = 0, threads = 2;
    if (!(s = a.get_int("--lines", 1, 100000, lines))) return s;
    if (!(s = a.get_int("--seed", 0, 9007199254740991LL, seed))) return s;
    if (!(s = a.get_int("--threads", 1, 64, threads))) return s;
    if (a.has("--bias") && !(s = parse_biases(a.get("--bias"), c.biases))) return s;
    c.lines = static_cast<size_t>(lines);
    c.seed = static_cast<uint64_t>(seed);
    c.threads = static_cast<int>(threads);
    return Status::success();
}

// The model to evaluate: a synthesis model (eval writes text).
Status load_synthesis_model(const std::string& path, Model& m) {
    Status s = load_model_file(path, m);
    if (!s) return s;
    if (m.hp.kind != ModelKind::Synthesis)
        return Status::error(path + ": eval needs a synthesis model (this one is " + kind_name(m.hp.kind) + ")");
    return s;
}

// The first N validation lines whose text the model can write; the rest are counted as skipped.
Status pick_lines(const Dataset& d, const Model& m, const EvalConfig& c, std::vector<EvalLine>& out, size_t& skipped) {
    skipped = 0;
    for (const DataLine& l : d.valid) {
        if (out.size() == c.lines) break;
        EncodedText enc;
        if (l.size() == 0 || !encode_text(m.alphabet, l.text, 0, enc)) {
            ++skipped;
            continue;
        }
        out.push_back({&l, utf8_encode(enc.text), enc.text.size()});
    }
    if (out.empty())
        return Status::error(c.data_path + ": no validation line the model can write (" + std::to_string(d.valid.size()) +
                             " validation lines; their texts must use the model's alphabet)");
    return Status::success();
}

float ink_span_y(const std::vector<InkStroke>& ink) {
    float lo = 1e30f, hi = -1e30f;
    for (const auto& l : ink)
        for (float y : l.y) lo = std::min(lo, y), hi = std::max(hi, y);
    return hi > lo ? hi - lo : 0.0f;
}

// One scale for every drawing, so that the median ground-truth line is kTextPixels high: fitting
// each sample to the height on its own would enlarge a sample that forgot its ascenders.
float pixels_per_data_unit(const std::vector<EvalLine>& lines, float quantum) {
    std::vector<float> spans;
    for (const auto& l : lines) spans.push_back(ink_span_y(line_strokes(*l.data, quantum)));
    std::nth_element(spans.begin(), spans.begin() + spans.size() / 2, spans.end());
    const float median = spans[spans.size() / 2];
    return median > 0 ? kTextPixels / median : 1.0f;
}

RenderStyle eval_style(const std::vector<InkStroke>& ink, float pixels_per_unit) {
    RenderStyle st;
    st.stroke_width = 4.0f;  // about a pen's width at this size; thinner strokes break up in OCR
    st.margin = 24.0f;
    st.pixels_per_unit = pixels_per_unit;
    if (ink_span_y(ink) * pixels_per_unit > kMaxInkPixels) {
        st.pixels_per_unit = 0;
        st.height = kMaxInkPixels + 2 * st.margin;
    }
    return st;
}


// Everything a job needs, shared read-only by the worker threads.
struct EvalContext {
    const Model* model = nullptr;
    const EvalConfig* config = nullptr;
    const std::vector<EvalLine>* lines = nullptr;
    float quantum = 1.0f;
    float data_pixels = 1.0f;   // pixels per dataset unit
    float model_pixels = 1.0f;  // pixels per model unit (the same x-height in pixels)
    std::string tmp_dir;
};

Status generate(const EvalContext& cx, size_t line, size_t bias_index, Sample& out) {
    GenerateOptions opt;
    opt.bias = cx.config->biases[bias_index];
    opt.seed = cx.config->seed + line;
    Generator g;
    Status s = g.start(*cx.model, (*cx.lines)[line].reference, opt);
    if (!s) return Status::error("line " + std::to_string(line) + ": " + s.message);
    std::vector<Point> pts;
    while (!g.done()) g.run(4096, pts);
    out.steps = g.steps();
    out.capped = g.steps() >= g.max_steps();
    out.finished = g.finished() && !out.capped;
    out.ink = offsets_to_strokes(pts, cx.model->norm.scale_x, cx.model->norm.scale_y);
    return s;
}

// Renders the ink to SVG and PNG in the temporary folder and reads it back.
Status read_back(const EvalContext& cx, const std::vector<InkStroke>& ink, float pixels_per_unit, const std::string& stem,
                 std::string& reading) {
    const std::string svg = cx.tmp_dir + "/" + stem + ".svg", png = cx.tmp_dir + "/" + stem + ".png";
    Status s = write_file_atomic(svg, render_svg(ink, eval_style(ink, pixels_per_unit), stem));
    if (s) s = svg_to_png(svg, png);
    if (s) s = ocr_line(png, reading);
    std::remove(svg.c_str());
    std::remove(png.c_str());
    return s;
}

// Job `kind` 0 is the line's ground truth; kind k > 0 is the sample at bias k - 1.
Status run_job(const EvalContext& cx, size_t line, size_t kind, Sample& out) {
    const EvalLine& l = (*cx.lines)[line];
    Status s;
    float pixels = cx.data_pixels;
    if (kind == 0) {
        out.ink = line_strokes(*l.data, cx.quantum);
        out.steps = static_cast<int>(l.data->size());
        out.finished = true;
    } else {
        if (!(s = generate(cx, line, kind - 1, out))) return s;
        pixels = cx.model_pixels;
    }
    const std::string stem = "line" + std::to_string(line) + "_" + std::to_string(kind);
    if (!(s = read_back(cx, out.ink, pixels, stem, out.reading))) return s;
    CerTally one;
    out.distance = one.add(l.reference, out.reading);
    if (line >= kGalleryLines) out.ink.clear();
    return s;
}

// Runs jobs line by line over `threads` threads; reports "eval: k/N lines" as lines complete.
Status run_all(const EvalContext& cx, std::vector<Sample>& samples) {
    const size_t kinds = cx.config->biases.size() + 1, n_lines = cx.lines->size();
    samples.assign(n_lines * kinds, Sample{});
    std::vector<std::atomic<size_t>> left(n_lines);
    for (auto& c : left) c = kinds;
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mu;
    size_t lines_done = 0;
    Status first_error;
    auto worker = [&] {
        for (size_t j; !failed && (j = next++) < samples.size();) {
            Status s = run_job(cx, j / kinds, j % kinds, samples[j]);
            std::lock_guard<std::mutex> lock(mu);
            if (!s && !failed.exchange(true)) first_error = s;
            if (s && --left[j / kinds] == 0) std::fprintf(stderr, "eval: %zu/%zu lines\n", ++lines_done, n_lines);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < cx.config->threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    return first_error;
}


// Per kind of drawing (0: ground truth, k: bias k - 1), over all lines.
std::vector<Totals> tally(const std::vector<EvalLine>& lines, const std::vector<Sample>& samples, size_t kinds) {
    std::vector<Totals> t(kinds);
    for (size_t j = 0; j < samples.size(); ++j) {
        const Sample& s = samples[j];
        const EvalLine& l = lines[j / kinds];
        Totals& k = t[j % kinds];
        k.cer.add(l.reference, s.reading);
        if (s.reading.find_first_not_of(" \t\r\n") == std::string::npos) ++k.unread;
        else k.cer_read.add(l.reference, s.reading);
        k.finished += s.finished;
        k.capped += s.capped;
        k.steps += static_cast<size_t>(s.steps);
        k.chars += l.chars;
        ++k.count;
    }
    return t;
}

double ratio(size_t a, size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

nlohmann::json summary_json(const EvalConfig& c, const std::vector<Totals>& t, size_t lines, size_t skipped, double seconds) {
    nlohmann::json per_bias = nlohmann::json::array();
    for (size_t b = 0; b < c.biases.size(); ++b) {
        const Totals& k = t[b + 1];
        per_bias.push_back({{"bias", c.biases[b]},
                            {"cer", k.cer.cer()},
                            {"unread_lines", k.unread},
                            {"cer_of_read_lines", k.cer_read.cer()},
                            {"finished_fraction", ratio(k.finished, k.count)},
                            {"capped_fraction", ratio(k.capped, k.count)},
                            {"mean_steps_per_char", ratio(k.steps, k.chars)}});
    }
    return {{"model", c.model_path},      {"data", c.data_path},
            {"lines", lines},             {"skipped_lines", skipped},
            {"seed", c.seed},             {"ground_truth_cer", t[0].cer.cer()},
            {"ground_truth_unread_lines", t[0].unread}, {"ground_truth_cer_of_read_lines", t[0].cer_read.cer()},
            {"ground_truth_points_per_char", ratio(t[0].steps, t[0].chars)},
            {"biases", per_bias},         {"seconds", std::round(seconds * 100) / 100}};
}

std::string table_markdown(const nlohmann::json& j) {
    char buf[256];
    std::string md = "# Legibility: " + j["model"].get<std::string>() + "\n\n";
    std::snprintf(buf, sizeof buf, "%zu validation lines of %s (%zu skipped), seed %llu, read by tesseract --psm 7; %.1f s.\n\n",
                  j["lines"].get<size_t>(), j["data"].get<std::string>().c_str(), j["skipped_lines"].get<size_t>(),
                  static_cast<unsigned long long>(j["seed"].get<uint64_t>()), j["seconds"].get<double>());
    md += buf;
    md += "| writing | CER | unread lines | CER of read lines | finished | capped | steps per char |\n"
          "|---|---|---|---|---|---|---|\n";
    std::snprintf(buf, sizeof buf, "| ground truth | %.3f | %zu | %.3f | | | %.1f (points) |\n", j["ground_truth_cer"].get<double>(),
                  j["ground_truth_unread_lines"].get<size_t>(), j["ground_truth_cer_of_read_lines"].get<double>(),
                  j["ground_truth_points_per_char"].get<double>());
    md += buf;
    for (const auto& b : j["biases"]) {
        std::snprintf(buf, sizeof buf, "| bias %g | %.3f | %zu | %.3f | %.0f%% | %.0f%% | %.1f |\n", b["bias"].get<double>(),
                      b["cer"].get<double>(), b["unread_lines"].get<size_t>(), b["cer_of_read_lines"].get<double>(),
                      100 * b["finished_fraction"].get<double>(), 100 * b["capped_fraction"].get<double>(),
                      b["mean_steps_per_char"].get<double>());
        md += buf;
    }
    return md + "\nCER: edit distance over reference length on the whole set; compare it with the ground truth's. "
                "Unread lines: tesseract returned nothing (it often cannot read joined cursive at all); the CER of read "
                "lines leaves them out.\n";
}

std::string readings_jsonl(const EvalConfig& c, const std::vector<EvalLine>& lines, const std::vector<Sample>& samples) {
    const size_t kinds = c.biases.size() + 1;
    std::string out;
    for (size_t j = 0; j < samples.size(); ++j) {
        const Sample& s = samples[j];
        nlohmann::json r = {{"line", j / kinds}, {"text", lines[j / kinds].reference}, {"reading", s.reading},
                            {"distance", s.distance}, {"steps", s.steps}};
        if (j % kinds == 0) {
            r["writing"] = "ground truth";
        } else {
            r["writing"] = "bias";
            r["bias"] = c.biases[j % kinds - 1];
            r["finished"] = s.finished;
        }
        out += json_text(r) + "\n";
    }
    return out;
}

// The first lines as a labelled grid (ground truth, then each bias), converted to PNG bytes with
// rsvg-convert in the temporary folder.
Status render_gallery(const EvalConfig& c, const std::vector<EvalLine>& lines, const std::vector<Sample>& samples,
                      const std::string& tmp_dir, std::vector<uint8_t>& bytes) {
    const size_t kinds = c.biases.size() + 1;
    std::vector<std::pair<std::string, std::vector<InkStroke>>> rows;
    char label[64];
    for (size_t i = 0; i < std::min(kGalleryLines, lines.size()); ++i)
        for (size_t k = 0; k < kinds; ++k) {
            const Sample& s = samples[i * kinds + k];
            if (k == 0) std::snprintf(label, sizeof label, "ground truth");
            else std::snprintf(label, sizeof label, "bias %g", c.biases[k - 1]);
            rows.push_back({std::string(label) + ": \"" + lines[i].reference + "\"  read: \"" + s.reading + "\"", s.ink});
        }
    const std::string svg = tmp_dir + "/gallery.svg", png = tmp_dir + "/gallery.png";
    Status s = write_file_atomic(svg, render_rows_svg(rows, 90.0f));
    if (s) s = svg_to_png(svg, png);
    if (s) s = read_file_bounded(png, kMaxGalleryBytes, bytes);
    return s;
}


const Fail fail{"hw-train eval"};

// Bad input found before any work: the programs, the files, the output folders.
Status check_inputs(const EvalConfig& c, Model& m, Dataset& d, std::vector<EvalLine>& lines, size_t& skipped) {
    Status s = require_program("rsvg-convert", "librsvg2-bin");
    if (s) s = require_program("tesseract", "tesseract-ocr tesseract-ocr-eng");
    if (s) s = require_tesseract_eng();
    if (s) s = load_synthesis_model(c.model_path, m);
    if (s) s = load_dataset(c.data_path, d);
    if (s) s = pick_lines(d, m, c, lines, skipped);
    if (!s) return s;
    for (const std::string& dir : {c.out_dir, std::filesystem::path(c.gallery_path).parent_path().string()}) {
        std::error_code ec;
        if (!dir.empty() && !std::filesystem::create_directories(dir, ec) && ec)
            return Status::error(dir + ": cannot create the output folder (" + ec.message() + ")");
    }
    return s;
}

Status write_outputs(const EvalConfig& c, const nlohmann::json& j, const std::vector<EvalLine>& lines,
                     const std::vector<Sample>& samples, const std::vector<uint8_t>& gallery) {
    Status s = write_file_atomic(c.gallery_path, gallery.data(), gallery.size());
    if (s) s = write_file_atomic(c.out_dir + "/eval.json", json_text(j, 2) + "\n");
    if (s) s = write_file_atomic(c.out_dir + "/eval.md", table_markdown(j));
    if (s) s = write_file_atomic(c.out_dir + "/readings.jsonl", readings_jsonl(c, lines, samples));
    return s;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--help") return std::fputs(kEvalUsage, stdout), 0;
    EvalConfig c;
    Status s = read_config(argc, argv, c);
    if (!s) return fail(2, s.message + "\n" + kEvalUsage);
    Model m;
    Dataset d;
    std::vector<EvalLine> lines;
    size_t skipped = 0;
    if (!(s = check_inputs(c, m, d, lines, skipped))) return fail(2, s.message);
    TempDir tmp;
    if (!(s = tmp.create("hw-eval"))) return fail(1, s.message);
    EvalContext cx;
    cx.model = &m;
    cx.config = &c;
    cx.lines = &lines;
    cx.quantum = d.quantum;
    cx.data_pixels = pixels_per_data_unit(lines, d.quantum);
    // The same x-height in pixels for the model's units as for the dataset's.
    const bool comparable = m.norm.line_height > 0 && d.norm.line_height > 0;
    cx.model_pixels = cx.data_pixels * (comparable ? d.norm.line_height / m.norm.line_height : 1.0f);
    cx.tmp_dir = tmp.path();
    std::fprintf(stderr, "eval: %zu lines (%zu skipped), %zu biases, %d threads\n", lines.size(), skipped, c.biases.size(), c.threads);
    std::vector<Sample> samples;
    if (!(s = run_all(cx, samples))) return fail(1, s.message);
    std::vector<uint8_t> gallery;
    if (!(s = render_gallery(c, lines, samples, tmp.path(), gallery))) return fail(kExitInternal, s.message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const nlohmann::json j = summary_json(c, tally(lines, samples, c.biases.size() + 1), lines.size(), skipped, seconds);
    // An output that cannot be written is the user's to fix (exit 2), the gallery as much as eval.json.
    if (!(s = write_outputs(c, j, lines, samples, gallery))) return fail(kExitBadInput, s.message);
    if (!(s = write_stdout(json_text(j, 2) + "\n"))) return fail(kExitBadInput, s.message);
    std::fprintf(stderr, "eval: done in %.1f s; table in %s/eval.md, gallery %s\n", seconds, c.out_dir.c_str(), c.gallery_path.c_str());
    return 0;
}

}  // namespace hw
