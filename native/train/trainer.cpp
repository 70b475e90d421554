#include "trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <unistd.h>

#include "checkpoint.h"
#include "divergence.h"
#include "exit_codes.h"
#include "files.h"
#include "generator.h"
#include "hwm_format.h"
#include "learner.h"
#include "metrics_log.h"
#include "model_file.h"
#include "out_dir.h"
#include "plot.h"
#include "rehearsal.h"
#include "render.h"
#include "text.h"
#include "train_position.h"
#include "units.h"

namespace hw {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::string joined(const std::vector<std::string>& v, const char* sep = ",") {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A failure and the exit code it ends the run with (exit_codes.h).
struct [[nodiscard]] Outcome {
    int code = kExitOk;
    std::string message;
    explicit operator bool() const { return code == kExitOk; }
};
Outcome bad_input(const Status& s) { return s.ok ? Outcome{} : Outcome{kExitBadInput, s.message}; }
Outcome internal(const Status& s) { return s.ok ? Outcome{} : Outcome{kExitInternal, s.message}; }

// The corpus, held once: the dataset with its lines filtered to the model's alphabet, the batch
// maker over them, and the validation batches evaluated each time.
struct Corpus {
    Dataset data;
    BatchMaker maker;
    std::vector<std::vector<size_t>> eval_batches;
    Rehearsal rehearsal;  // corpus lines that join every batch (--rehearse)
};

// Updates and points per second, smoothed: for the progress line, the ETA and the time limit.
struct Pace {
    long steps = 0;  // updates in this process
    double avg_step = 0, pts_rate = 0;
    // `n` updates of `points` points in all took `dt` seconds (read back together).
    void add(double dt, int64_t points, long n) {
        const double w = 1.0 - std::pow(0.95, static_cast<double>(n)), per_step = dt / static_cast<double>(n);
        avg_step = steps == 0 ? per_step : (1 - w) * avg_step + w * per_step;
        pts_rate = steps == 0 ? static_cast<double>(points) / dt : (1 - w) * pts_rate + w * static_cast<double>(points) / dt;
        steps += n;
    }
    double rate() const { return avg_step > 0 ? 1.0 / avg_step : 0; }
};

// Everything a run holds, in named pieces; the functions below take the pieces they need.
struct Run {
    const TrainConfig& cfg;
    OutDirLock lock;                         // held for the whole run
    Precision precision = Precision::F16;    // of model.hwm
    Corpus corpus;
    Learner learner;
    TrainPosition pos;
    std::vector<std::vector<size_t>> order;  // this epoch's batches
    MetricsLog metrics;
    bool tty = false;
    long logged_at = -1;  // the step of the last progress line (not a terminal: one per 50 steps)
};

// ---- the network: from a checkpoint, a .hwm or the command line ----------------------------

// Where the network comes from: the checkpoint in the output folder (resume), --init, or cfg.
struct Origin {
    bool resuming = false;
    ModelHeader saved;                // the checkpoint's model description
    std::vector<uint8_t> init_bytes;  // --init
};

// Adam's moments are kept for the trainable weights only: a resumed run must freeze what the
// checkpoint's run froze.
Status same_freeze(const TrainConfig& cfg, const json& ck) {
    const json was = ck.value("freeze", json::array());
    if (was == json(cfg.freeze)) return Status::success();
    std::vector<std::string> parts;
    for (const auto& p : was) parts.push_back(p.is_string() ? p.get<std::string>() : p.dump());
    return Status::error("--freeze: the checkpoint in " + cfg.out_dir + " was trained with " +
                         (parts.empty() ? std::string("nothing frozen") : "--freeze " + joined(parts)) +
                         "; give the same parts to resume it, or --no-resume");
}

Status find_origin(const TrainConfig& cfg, Origin& o, HParams& hp, Variant& v) {
    hp = cfg.hp;
    v = cfg.variant;
    o.resuming = cfg.resume && checkpoint_exists(cfg.out_dir);
    if (o.resuming) {
        json ck;
        Status s = read_checkpoint_info(cfg.out_dir, ck);
        if (!s) return s;
        // The index describes the network with the .hwm header's fields, read by the same reader.
        if (!ck.contains("model")) return Status::error(cfg.out_dir + "/checkpoint.json: field model is missing");
        if (!(s = parse_header(ck["model"], o.saved))) return Status::error(cfg.out_dir + "/checkpoint.json: model: " + s.message);
        hp = o.saved.hp;
        v = o.saved.variant;
        if (!(s = same_freeze(cfg, ck))) return s;
    } else if (!cfg.init.empty()) {
        Status s = read_model_bytes(cfg.init, o.init_bytes);
        if (!s) return s;
        if (!(s = model_config_from_hwm(o.init_bytes, hp, v))) return Status::error(cfg.init + ": " + s.message);
    }
    return Status::success();
}

Status pick_device(const TrainConfig& cfg, torch::Device& device) {
    const bool cuda = torch::cuda::is_available();
    if (cfg.device == "cuda" && !cuda) return Status::error("--device cuda: no CUDA device is available");
    device = (cfg.device == "cpu" || !cuda) ? torch::Device(torch::kCPU) : torch::Device(torch::kCUDA);
    if (cfg.tf32 && device.is_cuda()) {  // else LibTorch's defaults: cuDNN (the LSTM layers) TF32, cuBLAS not
        at::globalContext().setAllowTF32CuBLAS(true);
        at::globalContext().setAllowTF32CuDNN(true);
    }
    return Status::success();
}

Status build_learner(const TrainConfig& cfg, const Dataset& data, const Origin& o, HParams hp, const Variant& v, Learner& l) {
    Status s = pick_device(cfg, l.device);
    if (!s) return s;
    l.info.norm = data.norm;  // the run's units: the dataset's, unless --init or a checkpoint gives others
    l.info.alphabet = hp.kind == ModelKind::Synthesis ? data.alphabet : U"";
    l.info.max_steps_per_char = cfg.max_steps_per_char;
    if (hp.kind == ModelKind::Synthesis && o.init_bytes.empty() && !o.resuming) hp.alphabet = static_cast<int>(data.alphabet.size());
    std::u32string widened;
    if (!o.init_bytes.empty() && cfg.widen_alphabet && !o.resuming) {
        if (hp.kind != ModelKind::Synthesis) return Status::error("--widen-alphabet: only a synthesis network has an alphabet");
        Model m;
        if (!(s = load_model(o.init_bytes.data(), o.init_bytes.size(), m))) return Status::error(cfg.init + ": " + s.message);
        widened = widened_alphabet(m.alphabet, data.alphabet);
        std::fprintf(stderr, "train: alphabet widened from %zu to %zu characters (new: %s)\n", m.alphabet.size(), widened.size(),
                     utf8_encode(widened.substr(m.alphabet.size())).c_str());
        hp.alphabet = static_cast<int>(widened.size());
    }
    if (!(s = validate_hparams(hp))) return s;
    torch::manual_seed(cfg.seed);
    l.net = HandwritingNet(hp, v);
    if (!o.init_bytes.empty()) {
        ExportInfo from;
        if (!(s = import_hwm(o.init_bytes, l.net, from, widened.empty() ? nullptr : &widened)))
            return Status::error(cfg.init + ": " + s.message);
        l.info.alphabet = from.alphabet;  // the network's one-hot layout is fixed by the file (or its widening)
        if (!cfg.data_norm) l.info.norm = from.norm;  // the network's units: the lines are brought to them
        std::fprintf(stderr, "train: initialised from %s\n", cfg.init.c_str());
    }
    if (o.resuming) l.info.alphabet = o.saved.alphabet, l.info.norm = o.saved.norm;
    l.net->to(l.device);
    if (!cfg.freeze.empty()) {
        int64_t frozen = 0, all = 0;
        if (!(s = l.freeze(cfg.freeze, frozen))) return s;
        for (const auto& p : l.net->parameters()) all += p.numel();
        std::fprintf(stderr, "train: frozen: %s (%lld of %lld weights keep their values)\n", joined(cfg.freeze).c_str(),
                     static_cast<long long>(frozen), static_cast<long long>(all));
    }
    l.reset_optimizer(cfg.optimizer, cfg.lr, cfg.clip);
    return Status::success();
}

// best.hwm can be ahead of the checkpoint: an evaluation after the last save wrote it before the
// run stopped. Its loss is then the one to beat, or a worse model would replace it.
Status catch_up_with_best(const std::string& out_dir, TrainPosition& pos) {
    const std::string path = out_dir + "/best.hwm";
    std::vector<uint8_t> bytes;
    bool found = false;
    Status s = read_file_if_present(path, bytes, found);
    if (!s || !found) return s;
    HwmFile f;
    if (!(s = read_hwm(bytes.data(), bytes.size(), f))) return Status::error(path + ": " + s.message);
    const json meta = f.header.value("meta", json::object());
    auto v = meta.find("valid_nll_per_line");
    if (v == meta.end() || !v->is_number() || !std::isfinite(v->get<double>()))
        return Status::error(path + ": meta.valid_nll_per_line is missing or not a finite number");
    pos.best_valid = std::min(pos.best_valid, v->get<double>());
    return Status::success();
}

Status resume(const TrainConfig& cfg, Learner& l, TrainPosition& pos) {
    json ck;
    Status s = load_checkpoint(cfg.out_dir, *l.net, *l.opt, ck);
    if (!s) return s;
    if (!(s = read_position(ck, pos))) return Status::error(cfg.out_dir + "/checkpoint.json: " + s.message);
    if (!(s = catch_up_with_best(cfg.out_dir, pos))) return s;
    // A learning rate halved by rollbacks stays halved; --lr can lower it further, not raise it.
    pos.lr = pos.lr > 0 ? std::min(cfg.lr, pos.lr) : cfg.lr;
    l.set_lr(pos.lr);
    std::fprintf(stderr, "train: resumed from %s at step %ld (epoch %ld)\n", cfg.out_dir.c_str(), pos.step, pos.epoch);
    return Status::success();
}

// ---- the corpus ---------------------------------------------------------------------------

// Keeps the lines whose characters the model alphabet has; reports the rest.
void filter_lines(std::vector<DataLine>& lines, const std::u32string& alphabet, const char* which) {
    const size_t dropped = keep_writable_lines(lines, alphabet);
    if (dropped) std::fprintf(stderr, "train: %zu %s lines skipped (characters outside the model's alphabet, or empty)\n", dropped, which);
}

// When no validation line is left (the dataset has none, or none the model's alphabet can write),
// the last tenth of the training lines (1 to 64) is held out: moved, never trained on, and said so.
// Validation is never a copy of training lines: it picks the best model and stops the run.
Status hold_out_validation(std::vector<DataLine>& train, std::vector<DataLine>& valid, size_t valid_before) {
    if (!valid.empty()) return Status::success();
    if (train.size() < 2)
        return Status::error("no validation line, and " + std::to_string(train.size()) +
                             " training line: at least 2 lines are needed to hold one out for validation");
    const size_t n = std::clamp<size_t>(train.size() / 10, 1, 64);
    valid.assign(std::make_move_iterator(train.end() - static_cast<long>(n)), std::make_move_iterator(train.end()));
    train.resize(train.size() - n);
    std::fprintf(stderr, "train: %s; holding out the last %zu training lines for validation (not trained on)\n",
                 valid_before ? "no validation line can be written with the model's alphabet" : "the dataset has no validation lines", n);
    return Status::success();
}

Status prepare_corpus(const TrainConfig& cfg, const ExportInfo& info, bool synth, Corpus& c) {
    auto& train = c.data.train;
    auto& valid = c.data.valid;
    const size_t valid_before = valid.size();
    if (synth) {
        filter_lines(train, info.alphabet, "training");
        filter_lines(valid, info.alphabet, "validation");
        if (train.empty()) return Status::error("no training line can be written with the model's alphabet");
    }
    std::string units;
    bring_to_units(c.data, info.norm, units);
    if (!units.empty()) std::fprintf(stderr, "train: the dataset's lines in the model's units: %s\n", units.c_str());
    if (train.empty()) return Status::error("no training line is left in the model's units");
    if (Status s = hold_out_validation(train, valid, valid_before); !s) return s;
    c.maker.data = &c.data;
    c.maker.alphabet = info.alphabet;
    c.maker.with_text = synth;
    const size_t evaluated = cfg.valid_lines > 0 ? std::min<size_t>(valid.size(), static_cast<size_t>(cfg.valid_lines)) : valid.size();
    c.eval_batches = bucket_batches(valid, 256, 400000, evaluated);
    return Status::success();
}

// Rehearsal (rehearsal.h): a corpus's lines at a share of every batch, in the run's units.
Status prepare_rehearsal(const TrainConfig& cfg, const ExportInfo& info, Corpus& c) {
    if (cfg.rehearse.empty()) return Status::success();
    RehearsalOptions o{cfg.rehearse, cfg.rehearse_share, cfg.batch, info.alphabet, info.norm, c.data.quantum, cfg.seed};
    Status s = load_rehearsal(o, c.rehearsal);
    if (!s) return s;
    const Rehearsal& r = c.rehearsal;
    std::fprintf(stderr, "train: rehearsal: %d of every %d lines from %s (a pool of %zu of its %zu writable lines%s%s)\n",
                 r.per_batch, cfg.batch, cfg.rehearse.c_str(), r.pool.size(), r.writable, r.units_report.empty() ? "" : "; ",
                 r.units_report.c_str());
    if (!r.active()) std::fprintf(stderr, "train: rehearsal: --rehearse-share %g of a batch of %d is no line\n", cfg.rehearse_share, cfg.batch);
    return s;
}

// The person's lines per batch: the batch less the rehearsal's share.
int own_lines_per_batch(const TrainConfig& cfg, const Corpus& c) { return cfg.batch - c.rehearsal.per_batch; }

std::vector<std::vector<size_t>> epoch_order(const TrainConfig& cfg, const Corpus& c, long epoch) {
    auto order = bucket_batches(c.data.train, static_cast<size_t>(own_lines_per_batch(cfg, c)), cfg.max_batch_points);
    std::mt19937_64 g(cfg.seed * 1000003ULL + static_cast<uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), g);
    return order;
}

// ---- preparing a run ----------------------------------------------------------------------

void start_graphs(Run& r) {
    Learner& l = r.learner;
    if (!l.device.is_cuda() || !r.cfg.cuda_graphs || !GraphStepper::available()) return;
    size_t chars = 1;
    for (const auto& line : r.corpus.data.train) chars = std::max(chars, utf8_length(line.text));
    for (const auto& line : r.corpus.data.valid) chars = std::max(chars, utf8_length(line.text));
    for (const auto& line : r.corpus.rehearsal.pool) chars = std::max(chars, utf8_length(line.text));
    l.graphs = std::make_unique<GraphStepper>(l.net, r.cfg.batch, r.cfg.graph_t_step, static_cast<int64_t>(chars), r.cfg.out_clip, l.adam);
    std::fprintf(stderr, "train: CUDA graphs on (lengths padded to multiples of %d, text to %zu characters)\n", r.cfg.graph_t_step, chars);
}

// The output folder before anything is read or trained: made if missing, held by this run alone,
// cleared of what a killed run left half-written, and able to take a file.
Status claim_out_dir(Run& r) {
    const std::string& dir = r.cfg.out_dir;
    Status s = make_folder(dir);
    if (!s || !(s = r.lock.acquire(dir))) return s;
    size_t removed = 0;
    if (r.lock.held() && !(s = clean_out_dir(dir, removed))) return s;
    if (removed) std::fprintf(stderr, "train: removed %zu files a killed run left half-written in %s\n", removed, dir.c_str());
    return check_writable(dir);
}

// Room in the output folder for the checkpoints and models of this network.
Status check_room(const TrainConfig& cfg, const Learner& l) {
    uint64_t parameters = 0;
    for (const auto& p : l.net->parameters()) parameters += static_cast<uint64_t>(p.numel());
    return check_free_space(cfg.out_dir, space_needed(parameters) + cfg.debug_extra_free_bytes);
}

Status prepare(Run& r) {
    const TrainConfig& cfg = r.cfg;
    if (!parse_precision(cfg.precision, r.precision)) return Status::error("unknown precision " + cfg.precision);
    Status s = load_dataset(cfg.data, r.corpus.data);
    if (!s) return s;
    if (r.corpus.data.train.empty()) return Status::error(cfg.data + ": the dataset has no training lines");
    if (!(s = claim_out_dir(r))) return s;
    Origin origin;
    HParams hp;
    Variant v;
    if (!(s = find_origin(cfg, origin, hp, v))) return s;
    if (!(s = build_learner(cfg, r.corpus.data, origin, hp, v, r.learner))) return s;
    if (!(s = check_room(cfg, r.learner))) return s;
    r.pos.lr = cfg.lr;
    if (origin.resuming && !(s = resume(cfg, r.learner, r.pos))) return s;
    const HParams& net_hp = r.learner.net->hparams();
    if (!(s = prepare_corpus(cfg, r.learner.info, net_hp.kind == ModelKind::Synthesis, r.corpus))) return s;
    if (!(s = prepare_rehearsal(cfg, r.learner.info, r.corpus))) return s;
    if (!(s = r.metrics.open(cfg.out_dir + "/metrics.csv", r.pos.step))) return s;
    r.tty = isatty(2);
    start_graphs(r);
    std::fprintf(stderr, "train: %s %dx%d, %zu train / %zu valid lines, device %s, batch %d, %s lr %g%s%s\n", kind_name(net_hp.kind),
                 net_hp.layers, net_hp.hidden, r.corpus.data.train.size(), r.corpus.data.valid.size(),
                 r.learner.device.is_cuda() ? "cuda" : "cpu", cfg.batch, cfg.optimizer.c_str(), r.pos.lr,
                 cfg.warmup > 0 ? (" (warm-up " + std::to_string(cfg.warmup) + " updates)").c_str() : "", cfg.tf32 ? ", TF32" : "");
    return Status::success();
}

// ---- the run's files ------------------------------------------------------------------------

// The meta of last.hwm and best.hwm and the body of the checkpoint index.
json run_meta(const TrainConfig& cfg, const TrainPosition& pos) {
    json meta = position_json(pos);
    meta["data"] = cfg.data;
    if (!cfg.freeze.empty()) meta["freeze"] = cfg.freeze;
    return meta;
}

// Exporting the weights failing is internal; writing the file failing is the user's to fix.
Outcome export_file(Learner& l, const json& meta, Precision p, const std::string& path) {
    std::vector<uint8_t> bytes;
    Status s = l.export_image(meta, p, bytes);
    if (!s) return internal(s);
    return bad_input(write_file_atomic(path, bytes.data(), bytes.size()));
}

// last.hwm, then the checkpoint (whose index carries the model description in the header's shape).
Outcome save_all(Run& r) {
    json meta = run_meta(r.cfg, r.pos);
    Outcome o = export_file(r.learner, meta, Precision::F32, r.cfg.out_dir + "/last.hwm");
    if (!o) return o;
    meta["model"] = make_header(r.learner.header(), json::object());
    return bad_input(save_checkpoint(r.cfg.out_dir, *r.learner.net, *r.learner.opt, meta));
}

// The position takes the new best only once best.hwm holds it, so a checkpoint never claims a
// best that best.hwm does not have.
Outcome save_best(Run& r, const EvalResult& e) {
    TrainPosition at = r.pos;
    at.best_valid = e.nll_per_line;
    json meta = run_meta(r.cfg, at);
    meta["valid_nll_per_line"] = e.nll_per_line;
    meta["valid_nll_per_point"] = e.nll_per_point;
    Outcome o = export_file(r.learner, meta, Precision::F32, r.cfg.out_dir + "/best.hwm");
    if (o) r.pos.best_valid = e.nll_per_line;
    return o;
}

// The loss plot and the sample sheets are views for a person: when one cannot be made, the run
// says so and goes on (the weights, metrics and checkpoints are what it must not lose).
void warn(const Run& r, const char* what, const Status& s) {
    if (!s) std::fprintf(stderr, "%strain: warning: step %ld: %s not written (%s)\n", r.tty ? "\n" : "", r.pos.step, what, s.message.c_str());
}

Status write_loss_plot(const std::string& out_dir) {
    std::string csv, svg;
    Status s = read_text_file(out_dir + "/metrics.csv", csv);
    if (!s) return s;
    if (!plot_metrics(csv, svg)) return Status::success();  // nothing to draw yet
    return write_file_atomic(out_dir + "/loss.svg", svg);
}

// The texts of a sample sheet: --sample-text topped up to four from the validation lines; models
// that take no text draw three unconditioned rows.
std::vector<std::string> sample_texts(const TrainConfig& cfg, const std::vector<DataLine>& valid, bool synth) {
    if (!synth) return std::vector<std::string>(3, "");
    std::vector<std::string> texts = cfg.sample_texts;
    for (size_t i = 0; texts.size() < 4 && i < valid.size(); i += std::max<size_t>(1, valid.size() / 4)) texts.push_back(valid[i].text);
    return texts;
}

// samples/step-NNNNNN.svg: each text written by the current weights at bias 1.
Status write_samples(Run& r) {
    std::vector<uint8_t> bytes;
    Model m;
    Status s = r.learner.export_image(json::object(), Precision::F32, bytes);
    if (!s || !(s = load_model(bytes.data(), bytes.size(), m))) return s;
    std::vector<std::pair<std::string, std::vector<InkStroke>>> rows;
    uint64_t seed = 0;
    for (const std::string& text : sample_texts(r.cfg, r.corpus.data.valid, m.hp.kind == ModelKind::Synthesis)) {
        Generator g;
        GenerateOptions opt;
        opt.bias = 1.0f;
        opt.seed = ++seed;
        if (!(s = g.start(m, text, opt, nullptr, U' '))) return Status::error("\"" + text + "\": " + s.message);
        std::vector<Point> pts;
        while (!g.done()) g.run(4096, pts);
        rows.push_back({text, offsets_to_strokes(pts, m.norm.scale_x, m.norm.scale_y)});
    }
    if (!(s = make_folder(r.cfg.out_dir + "/samples"))) return s;
    char name[64];
    std::snprintf(name, sizeof name, "/samples/step-%06ld.svg", r.pos.step);
    return write_file_atomic(r.cfg.out_dir + name, render_rows_svg(rows));
}

// ---- the training loop ----------------------------------------------------------------------

void log_progress(Run& r, double loss, double gnorm, const Pace& pace) {
    const double eta = pace.avg_step * static_cast<double>(r.cfg.steps - r.pos.step);
    char line[256];
    std::snprintf(line, sizeof line, "step %ld/%ld  epoch %ld  loss %.4f/pt  |g| %.2f  %.2f upd/s  %.0f pts/s  ETA %dm%02ds",
                  r.pos.step, r.cfg.steps, r.pos.epoch, loss, gnorm, pace.rate(), pace.pts_rate, static_cast<int>(eta) / 60,
                  static_cast<int>(eta) % 60);
    if (r.tty) {
        const int width = 24;
        const int filled = static_cast<int>(width * static_cast<double>(r.pos.step) / std::max(1L, r.cfg.steps));
        std::fprintf(stderr, "\r[%s%s] %s ", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), line);
    } else if (r.logged_at < 0 || r.pos.step / 50 != r.logged_at / 50) {
        r.logged_at = r.pos.step;
        std::fprintf(stderr, "%s\n", line);
    }
}

Outcome record_eval(Run& r, double train_loss, double rate) {
    EvalResult e;
    Status s = r.learner.evaluate(r.corpus.maker, r.corpus.data.valid, r.corpus.eval_batches, e);
    if (!s) return internal(s);
    if (r.tty) std::fprintf(stderr, "\n");
    std::fprintf(stderr, "eval step %ld: valid %.1f nats/line, %.4f nats/point (%ld lines)\n", r.pos.step, e.nll_per_line,
                 e.nll_per_point, static_cast<long>(e.lines));
    if (!(s = r.metrics.append(r.pos, train_loss, e, rate))) return bad_input(s);
    warn(r, "loss plot", write_loss_plot(r.cfg.out_dir));
    if (e.nll_per_line < r.pos.best_valid) return save_best(r, e);
    return {};
}

// Goes back to the weights of the best validation with fresh optimizer state and half the
// learning rate.
Outcome roll_back(Run& r, const std::string& why) {
    const std::string path = r.cfg.out_dir + "/best.hwm";
    std::vector<uint8_t> best;
    bool found = false;
    Status s = read_file_if_present(path, best, found);
    if (!s) return bad_input(s);
    if (!found) return internal(Status::error("the loss diverged (" + why + ") before the first evaluation; try a lower --lr"));
    if (++r.pos.rollbacks > r.cfg.max_rollbacks)
        return internal(Status::error("the loss diverged again (" + why + ") after " + std::to_string(r.cfg.max_rollbacks) +
                                      " rollbacks; try a lower --lr or a smaller --clip"));
    if (!(s = r.learner.restore(best))) return bad_input(Status::error(path + ": " + s.message));
    r.pos.lr *= 0.5;
    r.learner.restart_optimizer(r.cfg.optimizer, r.pos.lr);
    std::fprintf(stderr, "\ntrain: step %ld: the loss diverged (%s); restored best.hwm, fresh optimizer state, lr now %g (rollback %ld)\n",
                 r.pos.step, why.c_str(), r.pos.lr, r.pos.rollbacks);
    return {};
}

// The next batch of this epoch's order; a used-up order starts the next epoch, reshuffled.
Status next_batch(Run& r, Batch& b) {
    if (r.pos.batch_in_epoch >= static_cast<long>(r.order.size())) {
        ++r.pos.epoch;
        r.pos.batch_in_epoch = 0;
        r.order = epoch_order(r.cfg, r.corpus, r.pos.epoch);
    }
    const auto& idx = r.order[static_cast<size_t>(r.pos.batch_in_epoch++)];
    Status s = r.corpus.maker.make(compose_batch(r.corpus.data.train, idx, r.corpus.rehearsal, r.pos.step), b);
    if (s) b = b.to(r.learner.device);
    return s;
}

// One update on the next batch, its result left on the device.
void train_step(Run& r, const Batch& b) {
    if (r.cfg.debug_corrupt_at > 0 && r.pos.step == r.cfg.debug_corrupt_at) {  // test hook: wreck the weights
        torch::NoGradGuard ng;
        for (auto& p : r.learner.net->parameters()) p.mul_(40.0);
    }
    if (r.cfg.warmup > 0 && r.pos.step <= r.cfg.warmup) r.learner.set_lr(r.pos.lr * warmup_factor(r.pos.step, r.cfg.warmup));
    r.learner.update(b, r.cfg.clip, r.cfg.out_clip);
}

// Updates whose results wait on the device before they are read back: on a GPU the host runs
// ahead, preparing batches, while the GPU steps; on a CPU there is nothing to gain.
long results_lag(const Run& r) { return r.learner.device.is_cuda() ? 25 : 1; }

// Reads back the updates since the last call (a synchronisation), counts skipped batches, feeds the
// divergence watch and the progress line. Returns why the run diverged, or an empty string.
std::string take_results(Run& r, DivergenceWatch& watch, double& last_loss, double& gnorm, long first_step) {
    const std::vector<UpdateResult> results = r.learner.take_results();
    std::string why;
    long step = first_step;
    for (const UpdateResult& u : results) {
        ++step;
        if (std::isnan(u.loss))
            std::fprintf(stderr, "\ntrain: step %ld: non-finite loss or gradient; batch skipped (%ld so far)\n", step, ++r.pos.skipped);
        else last_loss = u.loss;
        gnorm = u.grad_norm;
        if (why.empty()) why = watch.observe(u.loss, step);
    }
    return why;
}

// What falls due after an update: evaluation, checkpoint, sample sheet.
Outcome after_step(Run& r, double last_loss, const Pace& pace) {
    const long step = r.pos.step;
    Outcome o;
    if (step % r.cfg.eval_every == 0 && !(o = record_eval(r, last_loss, pace.rate()))) return o;
    if (step % r.cfg.save_every == 0 && !(o = save_all(r))) return o;
    if (r.cfg.sample_every > 0 && step % r.cfg.sample_every == 0) warn(r, "sample sheet", write_samples(r));
    return o;
}

// Whether anything reads the run's state after this step (evaluation, checkpoint, samples, the
// end), so the results waiting on the device must be read first.
bool step_is_due(const Run& r, long step) {
    return step % r.cfg.eval_every == 0 || step % r.cfg.save_every == 0 || step >= r.cfg.steps ||
           (r.cfg.sample_every > 0 && step % r.cfg.sample_every == 0);
}

// The time limit, judged at each read-back: stop with room for one more span and a save.
bool out_of_time(const Run& r, double elapsed, const Pace& pace) {
    return r.cfg.time_limit > 0 && elapsed + (2.5 + results_lag(r)) * pace.avg_step + 20 > r.cfg.time_limit;
}

// Reads back what waits on the device; rolls back on a divergence.
Outcome settle(Run& r, DivergenceWatch& watch, double& last_loss, double& gnorm) {
    const long n = static_cast<long>(r.learner.pending_results());
    const std::string why = take_results(r, watch, last_loss, gnorm, r.pos.step - n);
    if (why.empty()) return {};
    Outcome o = roll_back(r, why);
    if (o) watch.restart();
    return o;
}

Outcome loop(Run& r) {
    const auto t0 = Clock::now();
    Pace pace;
    DivergenceWatch watch(r.cfg.diverge_margin);
    double last_loss = 0, gnorm = 0;
    r.order = epoch_order(r.cfg, r.corpus, r.pos.epoch);
    auto span_start = Clock::now();
    int64_t span_points = 0;
    while (r.pos.step < r.cfg.steps) {
        Batch b;
        Outcome o = internal(next_batch(r, b));
        if (!o) return o;
        train_step(r, b);
        ++r.pos.step;
        span_points += b.points;
        const long n = static_cast<long>(r.learner.pending_results());
        if (n < results_lag(r) && !step_is_due(r, r.pos.step)) continue;
        if (!(o = settle(r, watch, last_loss, gnorm))) return o;
        pace.add(seconds_since(span_start), span_points, n);
        log_progress(r, last_loss, gnorm, pace);
        if (!(o = after_step(r, last_loss, pace))) return o;
        span_start = Clock::now();
        span_points = 0;
        if (out_of_time(r, seconds_since(t0), pace)) {
            std::fprintf(stderr, "\ntrain: time limit reached at step %ld\n", r.pos.step);
            break;
        }
    }
    if (r.tty) std::fprintf(stderr, "\n");
    std::fprintf(stderr, "train: %ld updates in %.1f s (%.2f updates/s, %.0f points/s)\n", pace.steps, seconds_since(t0),
                 pace.steps / std::max(1e-9, seconds_since(t0)), pace.pts_rate);
    Outcome o;
    if (r.pos.step % r.cfg.eval_every != 0 && !(o = record_eval(r, last_loss, pace.rate()))) return o;
    return save_all(r);
}

// model.hwm: the weights of the best validation in the asked-for precision; the last weights when
// no evaluation ever gave a finite loss (then there is no best.hwm).
Outcome finish(Run& r) {
    const std::string best_path = r.cfg.out_dir + "/best.hwm", path = r.cfg.out_dir + "/model.hwm";
    std::vector<uint8_t> best;
    bool found = false;
    Status s = read_file_if_present(best_path, best, found);
    if (!s) return bad_input(s);
    if (!found) return export_file(r.learner, run_meta(r.cfg, r.pos), r.precision, path);
    HandwritingNet net(r.learner.net->hparams(), r.learner.net->variant());
    ExportInfo info;  // best.hwm's header: its norm, alphabet and meta
    if (!(s = import_hwm(best, net, info))) return bad_input(Status::error(best_path + ": " + s.message));
    std::vector<uint8_t> bytes;
    if (!(s = export_hwm(net, info, r.precision, bytes))) return internal(s);
    return bad_input(write_file_atomic(path, bytes.data(), bytes.size()));
}

Outcome train(const TrainConfig& cfg) {
    Run r{cfg};
    Outcome o = bad_input(prepare(r));  // the data, a checkpoint, --init, the output folder
    if (o && (o = loop(r))) o = finish(r);
    return o;
}

}  // namespace

double batch_scaled_lr(double lr, int batch, const std::string& rule) {
    const double ratio = static_cast<double>(batch) / 128.0;
    if (rule == "none") return lr;
    if (rule == "sqrt") return lr * std::sqrt(ratio);
    if (rule == "linear") return lr * ratio;
    return -1;
}

Status read_scaled_lr(const Args& a, int batch, double& lr) {
    Status s = a.get_float("--lr", 1e-7, 1, lr);
    if (!s) return s;
    const std::string rule = a.get("--lr-scale", "none");
    const double scaled = batch_scaled_lr(lr, batch, rule);
    if (scaled < 0) return Status::error("--lr-scale must be none, sqrt or linear");
    if (scaled > 1) return Status::error("--lr-scale " + rule + " makes the learning rate " + std::to_string(scaled) + " (over 1)");
    lr = scaled;
    return s;
}

double warmup_factor(long step, int warmup) {
    return warmup > 0 && step < warmup ? static_cast<double>(step + 1) / warmup : 1.0;
}

int run_training(const TrainConfig& cfg) {
    const Fail fail{"hw-train train"};
    try {
        const Outcome o = train(cfg);
        if (!o) return fail(o.code, o.message);
    } catch (const std::exception& e) {
        return fail(kExitInternal, std::string("internal error: ") + e.what());
    }
    std::fprintf(stderr, "train: wrote %s/model.hwm (%s), best.hwm, last.hwm, metrics.csv, loss.svg\n", cfg.out_dir.c_str(),
                 cfg.precision.c_str());
    return kExitOk;
}

}  // namespace hw
