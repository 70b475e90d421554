// Benchmark (not a test: it reports numbers, never fails on time): steps per second of the native
// core, single thread, on a model file (make bench: the default model, 3 x 400 LSTM, K = 10,
// M = 20, 81 characters) or, without --model, a Graves-size model with random weights; per stored
// precision (the file re-encoded as f32, f16, int8) and per kernel set this CPU runs (reference
// C++, SSE2, AVX2, AVX-512 VNNI: the AVX2 code but for int8's dot products), then B int8 lines
// written one after another against B lines stepped together (Generator::run_together) with the
// best kernels (best_isa). The machine may be shared: rounds interleave
// the configurations after a warm-up and the table shows medians.
// Usage: bench_native [--model FILE] [--steps N] [--rounds R] [--json FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "generator.h"
#include "hwm_format.h"
#include "hwm_header.h"
#include "kernels.h"
#include "rng.h"

using namespace hw;

namespace {

const char* kText = "the quick brown fox jumps over a lazy dog";  // 41 characters

struct Config {
    std::string precision;
    Model model;
    std::vector<double> rates;  // steps per second, one per round
    bool same_points = true;    // as the reference kernels at this precision
};

HParams graves_hparams() {
    HParams hp;
    hp.kind = ModelKind::Synthesis;
    hp.layers = 3;
    hp.hidden = 400;
    hp.window = 10;
    hp.mixtures = 20;
    hp.alphabet = 81;
    return hp;
}

std::vector<NamedTensor> random_tensors(const HParams& hp) {
    Rng rng(12345);
    std::vector<NamedTensor> out;
    for (const auto& s : model_spec(hp)) {
        NamedTensor t{s.name, s.shape, {}};
        int64_t n = 1;
        for (auto d : s.shape) n *= d;
        for (int64_t i = 0; i < n; ++i) t.values.push_back(static_cast<float>((rng.uniform() - 0.5) * 0.2));
        out.push_back(std::move(t));
    }
    return out;
}

void check(const Status& s) {
    if (s) return;
    std::fprintf(stderr, "bench_native: %s\n", s.message.c_str());
    std::exit(1);
}

// The header and tensors of the model file, or of a random Graves-size model.
HwmFile source_model(const char* path) {
    HwmFile f;
    if (!path) {
        const HParams hp = graves_hparams();
        const std::u32string alphabet = U" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,'!?-:;()\"&/#+=*@";
        f.header = make_header({hp, Variant{}, Normalisation{}, alphabet, 60}, R"({"note":"benchmark"})");
        f.tensors = random_tensors(hp);
        return f;
    }
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) check(Status::error(std::string(path) + ": cannot read"));
    const Status s = read_hwm(bytes.data(), bytes.size(), f);
    if (!s) check(Status::error(std::string(path) + ": " + s.message));
    return f;
}

// One model per precision and kernel set this CPU runs.
std::vector<Config> make_configs(const HwmFile& src) {
    std::vector<Config> out;
    for (const char* name : {"f32", "f16", "int8"}) {
        DType p;
        parse_dtype(name, p);
        std::vector<uint8_t> bytes;
        check(write_hwm(src.header, src.tensors, p, bytes));
        Model m;
        check(load_model(bytes.data(), bytes.size(), m));
        for (Isa isa : {Isa::Reference, Isa::Sse2, Isa::Avx2, Isa::Avx512Vnni}) {
            if (!isa_supported(isa)) continue;
            out.push_back({name, m, {}, true});
            out.back().model.isa = isa;
        }
    }
    return out;
}

// Runs `steps` generation steps, restarting the line when it ends; returns the points' bits.
std::vector<float> run(const Model& m, Generator& g, int steps, std::vector<Point>& buf) {
    std::vector<float> bits;
    GenerateOptions opt;
    opt.seed = 1;
    opt.bias = 0.5f;
    opt.max_steps = 100000;
    for (int done = 0; done < steps;) {
        if (g.done()) check(g.start(m, kText, opt));
        buf.clear();
        const int n = g.run(std::min(256, steps - done), buf);
        if (n <= 0) g = Generator{};
        done += n;
        for (const Point& p : buf) bits.insert(bits.end(), {p.dx, p.dy, p.pen_up});
    }
    return bits;
}

double rate(const Model& m, int steps) {
    Generator g;
    std::vector<Point> buf;
    buf.reserve(256);
    const auto t0 = std::chrono::steady_clock::now();
    run(m, g, steps, buf);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return steps / s;
}

// B lines of one model, written one after another or stepped together; rates are points/s.
struct BatchConfig {
    int lines;
    bool together;
    std::vector<double> rates;
};

// `steps` points of each of B lines (each restarted at its end, with its own seed).
double batch_rate(const Model& m, int lines, bool together, int steps) {
    std::vector<Generator> gens(lines);
    std::vector<Generator*> ptrs;
    for (auto& g : gens) ptrs.push_back(&g);
    std::vector<std::vector<Point>> out(lines);
    GenerateOptions opt;
    opt.bias = 0.5f;
    opt.max_steps = 100000;
    long done = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (done < static_cast<long>(steps) * lines) {
        for (int i = 0; i < lines; ++i) {
            out[i].clear();
            opt.seed = 1 + i;
            if (gens[i].done()) check(gens[i].start(m, kText, opt));
        }
        if (together) Generator::run_together(ptrs.data(), lines, 64, out.data());
        else for (int i = 0; i < lines; ++i) gens[i].run(64, out[i]);
        for (const auto& o : out) done += static_cast<long>(o.size());
    }
    return done / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<float> points(const Model& m) {
    Generator g;
    std::vector<Point> buf;
    return run(m, g, 400, buf);
}

// Every kernel set must write the reference's points at its precision (the benchmark's own check).
void check_points(std::vector<Config>& configs) {
    for (auto& c : configs)
        for (const auto& r : configs) {
            if (r.precision != c.precision || r.model.isa != Isa::Reference) continue;
            const auto a = points(c.model), b = points(r.model);
            c.same_points = a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
        }
}

std::string describe(const HParams& hp) {
    return "synthesis " + std::to_string(hp.layers) + "x" + std::to_string(hp.hidden) + " K=" + std::to_string(hp.window) +
           " M=" + std::to_string(hp.mixtures) + " V=" + std::to_string(hp.alphabet);
}

std::string report_batches(const std::vector<BatchConfig>& batches, const Config& base) {
    std::printf("\n%s %s, B lines (points/s, all lines together):\n", base.precision.c_str(), isa_name(base.model.isa));
    std::string json = ",\"batches\":{\"weights\":\"" + base.precision + "\",\"kernels\":\"" + isa_name(base.model.isa) + "\",\"results\":[";
    for (size_t i = 0; i < batches.size(); ++i) {
        const auto& b = batches[i];
        std::printf("  B=%d %-22s %10.0f\n", b.lines, b.together ? "stepped together" : "one after another", median(b.rates));
        char row[160];
        std::snprintf(row, sizeof row, "%s{\"lines\":%d,\"together\":%s,\"points_per_s\":%.0f}", i ? "," : "", b.lines,
                      b.together ? "true" : "false", median(b.rates));
        json += row;
    }
    return json + "]}";
}

void report(const std::vector<Config>& configs, const std::vector<BatchConfig>& batches, const Config& base, int steps,
            int rounds, const char* json_path) {
    std::printf("%-6s %-10s %10s %12s %s\n", "weights", "kernels", "MB", "steps/s", "rounds (steps/s)");
    std::string json = "{\"model\":\"" + describe(base.model.hp) + "\",\"text_chars\":" + std::to_string(std::strlen(kText)) +
                       ",\"steps\":" + std::to_string(steps) + ",\"rounds\":" + std::to_string(rounds) + ",\"results\":[";
    for (size_t i = 0; i < configs.size(); ++i) {
        const auto& c = configs[i];
        const size_t bytes = weight_bytes(c.model);
        std::string all;
        for (double r : c.rates) all += std::to_string(static_cast<long>(r)) + " ";
        std::printf("%-7s %-10s %8.1f %12.0f %s%s\n", c.precision.c_str(), isa_name(c.model.isa), bytes / 1e6, median(c.rates),
                    all.c_str(), c.same_points ? "" : " POINTS DIFFER");
        char row[256];
        std::snprintf(row, sizeof row, "%s{\"weights\":\"%s\",\"kernels\":\"%s\",\"weight_bytes\":%zu,\"steps_per_s\":%.0f,\"same_points\":%s}",
                      i ? "," : "", c.precision.c_str(), isa_name(c.model.isa), bytes, median(c.rates), c.same_points ? "true" : "false");
        json += row;
    }
    json += "]" + report_batches(batches, base) + "}\n";
    if (json_path) {
        std::ofstream(json_path) << json;
        std::printf("wrote %s\n", json_path);
    } else {
        std::fputs(json.c_str(), stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    int steps = 1000, rounds = 7;
    const char* json_path = nullptr;
    const char* model_path = nullptr;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--steps") steps = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--json") json_path = argv[i + 1];
        else if (a == "--model") model_path = argv[i + 1];
        else { std::fprintf(stderr, "usage: bench_native [--model FILE] [--steps N] [--rounds R] [--json FILE]\n"); return 2; }
    }
    auto configs = make_configs(source_model(model_path));
    const Config* base = &configs.front();  // batches: int8 (as shipped) with the best kernels
    for (const auto& c : configs)
        if (c.precision == "int8" && c.model.isa == best_isa()) base = &c;
    std::vector<BatchConfig> batches;
    for (int lines : {4, 8})
        for (bool together : {false, true}) batches.push_back({lines, together, {}});
    for (auto& c : configs) rate(c.model, 300);  // warm-up: caches, page faults, the CPU's clock
    for (int r = 0; r < rounds; ++r) {
        for (auto& c : configs) c.rates.push_back(rate(c.model, steps));
        for (auto& b : batches) b.rates.push_back(batch_rate(base->model, b.lines, b.together, steps / 4));
    }
    check_points(configs);
    report(configs, batches, *base, steps, rounds, json_path);
    return 0;
}
