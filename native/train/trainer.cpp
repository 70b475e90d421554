#include "trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include "batches.h"
#include "checkpoint.h"
#include "exporter.h"
#include "files.h"
#include "generator.h"
#include "graph_step.h"
#include "hwm_header.h"
#include "plot.h"
#include "render.h"
#include "text.h"

namespace hw {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct EvalResult {
    double nll_per_line = 0, nll_per_point = 0;
    int64_t lines = 0, points = 0;
};

// Everything a run keeps between steps.
struct Run {
    TrainConfig cfg;
    Dataset data;
    std::vector<DataLine> train, valid;
    torch::Device device = torch::kCPU;
    HandwritingNet net{nullptr};
    std::unique_ptr<torch::optim::Optimizer> opt;
    ExportInfo info;
    BatchMaker maker;
    long step = 0, epoch = 0, batch_in_epoch = 0, skipped = 0;
    long rollbacks = 0;       // times the run was rolled back to best.hwm after diverging
    double best_valid = 1e30;
    double lr = 0;            // current learning rate (halved at each rollback)
    std::vector<std::vector<size_t>> order;  // this epoch's batches
    std::ofstream metrics;
    bool tty = false;
    std::unique_ptr<GraphStepper> graphs;
};

// The checkpoint index describes the network with the .hwm header's fields, read by the same reader.
Status config_from_info(const json& info, ModelHeader& out) {
    auto m = info.find("model");
    if (m == info.end()) return Status::error("no model description (field model)");
    Status s = parse_header(*m, out);
    if (!s) return Status::error("model: " + s.message);
    return s;
}

Status pick_device(Run& r) {
    const bool cuda = torch::cuda::is_available();
    if (r.cfg.device == "cuda" && !cuda) return Status::error("--device cuda: no CUDA device is available");
    r.device = (r.cfg.device == "cpu" || !cuda) ? torch::Device(torch::kCPU) : torch::Device(torch::kCUDA);
    return Status::success();
}

// Keeps the lines whose characters the model alphabet has; reports the rest.
void filter_lines(std::vector<DataLine>& lines, const std::u32string& alphabet, const char* which) {
    size_t dropped = 0;
    std::vector<DataLine> kept;
    for (auto& l : lines) {
        std::u32string u;
        bool ok = utf8_decode(l.text, u).ok && !u.empty() && l.size() > 1;
        for (char32_t c : u) ok = ok && alphabet.find(c) != std::u32string::npos;
        if (ok) kept.push_back(std::move(l));
        else ++dropped;
    }
    lines.swap(kept);
    if (dropped) std::fprintf(stderr, "train: %zu %s lines skipped (characters outside the model's alphabet, or empty)\n", dropped, which);
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& c, HandwritingNet& net) {
    if (c.optimizer == "rmsprop")
        return std::make_unique<torch::optim::RMSprop>(
            net->parameters(), torch::optim::RMSpropOptions(c.lr).alpha(0.95).momentum(0.9).eps(1e-4).centered(true));
    return std::make_unique<torch::optim::Adam>(net->parameters(), torch::optim::AdamOptions(c.lr));
}

void set_lr(Run& r, double lr) {
    r.lr = lr;
    for (auto& g : r.opt->param_groups()) {
        if (auto* a = dynamic_cast<torch::optim::AdamOptions*>(&g.options())) a->lr(lr);
        if (auto* m = dynamic_cast<torch::optim::RMSpropOptions*>(&g.options())) m->lr(lr);
    }
}

Status build_network(Run& r) {
    HParams hp = r.cfg.hp;
    Variant v = r.cfg.variant;
    std::vector<uint8_t> init_bytes;
    json ck;
    ModelHeader saved;
    const bool resuming = r.cfg.resume && checkpoint_exists(r.cfg.out_dir);
    if (resuming) {
        Status s = read_checkpoint_info(r.cfg.out_dir, ck);
        if (!s) return s;
        if (!(s = config_from_info(ck, saved))) return Status::error(r.cfg.out_dir + "/checkpoint.json: " + s.message);
        hp = saved.hp;
        v = saved.variant;
    } else if (!r.cfg.init.empty()) {
        Status s = read_file(r.cfg.init, init_bytes);
        if (!s) return s;
        if (!(s = model_config_from_hwm(init_bytes, hp, v))) return Status::error(r.cfg.init + ": " + s.message);
    }
    r.info.norm = r.data.norm;
    r.info.alphabet = hp.kind == ModelKind::Synthesis ? r.data.alphabet : U"";
    r.info.max_steps_per_char = r.cfg.max_steps_per_char;
    if (hp.kind == ModelKind::Synthesis && init_bytes.empty() && !resuming) hp.alphabet = static_cast<int>(r.data.alphabet.size());
    Status s = validate_hparams(hp);
    if (!s) return s;
    torch::manual_seed(r.cfg.seed);
    r.net = HandwritingNet(hp, v);
    if (!init_bytes.empty()) {
        ExportInfo from;
        if (!(s = import_hwm(init_bytes, r.net, from))) return Status::error(r.cfg.init + ": " + s.message);
        r.info.alphabet = from.alphabet;  // the network's one-hot layout is fixed by the file
        std::fprintf(stderr, "train: initialised from %s\n", r.cfg.init.c_str());
    }
    r.net->to(r.device);
    r.opt = make_optimizer(r.cfg, r.net);
    r.lr = r.cfg.lr;
    if (resuming) {
        if (!(s = load_checkpoint(r.cfg.out_dir, *r.net, *r.opt, ck))) return s;
        r.step = ck.value("step", 0L);
        r.epoch = ck.value("epoch", 0L);
        r.batch_in_epoch = ck.value("batch_in_epoch", 0L);
        r.best_valid = ck.value("best_valid", 1e30);
        r.skipped = ck.value("skipped", 0L);
        r.rollbacks = ck.value("rollbacks", 0L);
        // A learning rate halved by rollbacks stays halved; --lr can lower it further, not raise it.
        set_lr(r, std::min(r.cfg.lr, ck.contains("lr") && ck["lr"].is_number() ? ck["lr"].get<double>() : r.cfg.lr));
        r.info.alphabet = saved.alphabet;
        std::fprintf(stderr, "train: resumed from %s at step %ld (epoch %ld)\n", r.cfg.out_dir.c_str(), r.step, r.epoch);
    }
    return Status::success();
}

void shuffle_epoch(Run& r) {
    r.order = bucket_batches(r.train, static_cast<size_t>(r.cfg.batch), r.cfg.max_batch_points);
    std::mt19937_64 g(r.cfg.seed * 1000003ULL + static_cast<uint64_t>(r.epoch));
    std::shuffle(r.order.begin(), r.order.end(), g);
}

EvalResult evaluate(Run& r) {
    torch::NoGradGuard ng;
    r.net->eval();
    std::vector<DataLine> subset(r.valid.begin(), r.valid.begin() + static_cast<long>(
        r.cfg.valid_lines > 0 ? std::min<size_t>(r.valid.size(), static_cast<size_t>(r.cfg.valid_lines)) : r.valid.size()));
    EvalResult e;
    double total = 0;
    for (const auto& idx : bucket_batches(subset, 256, 400000)) {
        const Batch b = r.maker.make(subset, idx).to(r.device);
        const NetOutput out = r.net->forward(b.x, b.text);
        total += (mdn_nll(out.y, b.target, r.net->hparams().mixtures, r.net->variant().eos_sign) * b.mask).sum().item<double>();
        e.lines += b.lines;
        e.points += b.points;
    }
    r.net->train();
    e.nll_per_line = e.lines ? total / static_cast<double>(e.lines) : 0;
    e.nll_per_point = e.points ? total / static_cast<double>(e.points) : 0;
    return e;
}

// One update; returns the loss per point, or NaN when the batch was skipped.
double train_step(Run& r, const Batch& b, double& grad_norm) {
    torch::Tensor loss;
    if (r.graphs) {
        loss = r.graphs->step(b);
    } else {
        r.opt->zero_grad();
        NetOutput out = r.net->forward(b.x, b.text);
        if (r.cfg.out_clip > 0) {
            const double c = r.cfg.out_clip;
            out.y.register_hook([c](torch::Tensor g) { return g.clamp(-c, c); });
        }
        const torch::Tensor nll = mdn_nll(out.y, b.target, r.net->hparams().mixtures, r.net->variant().eos_sign) * b.mask;
        loss = nll.sum() / static_cast<double>(b.points);
        loss.backward();
    }
    grad_norm = torch::nn::utils::clip_grad_norm_(r.net->parameters(), r.cfg.clip);
    const double l = loss.item<double>();
    if (!std::isfinite(l) || !std::isfinite(grad_norm)) {
        ++r.skipped;
        std::fprintf(stderr, "\ntrain: step %ld: non-finite loss or gradient; batch skipped (%ld so far)\n", r.step, r.skipped);
        if (!r.graphs) r.opt->zero_grad();  // a graph zeroes its gradients itself
        return std::nan("");
    }
    r.opt->step();
    return l;
}

Status export_to(Run& r, const std::string& path, Precision p, const json& extra) {
    ExportInfo info = r.info;
    info.meta = extra;
    return export_hwm_file(r.net, info, p, path);
}

json position(const Run& r) {
    json j = {{"step", r.step}, {"epoch", r.epoch}, {"batch_in_epoch", r.batch_in_epoch}, {"best_valid", r.best_valid},
              {"skipped", r.skipped}, {"data", r.cfg.data},
              {"lr", r.lr}, {"rollbacks", r.rollbacks}};
    return j;
}

// The checkpoint index carries the architecture, so a run resumes from the index and its parts.
json model_config(const Run& r) {
    return make_header({r.net->hparams(), r.net->variant(), r.info.norm, r.info.alphabet, r.info.max_steps_per_char}, json::object());
}

Status save_all(Run& r) {
    json meta = position(r);
    Status s = export_to(r, r.cfg.out_dir + "/last.hwm", Precision::F32, meta);
    if (!s) return s;
    meta["model"] = model_config(r);
    return save_checkpoint(r.cfg.out_dir, *r.net, *r.opt, meta);
}

void write_samples(Run& r) {
    std::vector<uint8_t> bytes;
    ExportInfo info = r.info;
    if (!export_hwm(r.net, info, Precision::F32, bytes).ok) return;
    Model m;
    if (!load_model(bytes.data(), bytes.size(), m).ok) return;
    std::vector<std::string> texts = r.cfg.sample_texts;
    for (size_t i = 0; texts.size() < 4 && i < r.valid.size(); i += std::max<size_t>(1, r.valid.size() / 4)) texts.push_back(r.valid[i].text);
    if (m.hp.kind != ModelKind::Synthesis) texts.assign(3, "");
    std::vector<std::pair<std::string, std::vector<InkStroke>>> rows;
    for (size_t i = 0; i < texts.size(); ++i) {
        Generator g;
        GenerateOptions opt;
        opt.bias = 1.0f;
        opt.seed = i + 1;
        if (!g.start(m, texts[i], opt, nullptr, U' ').ok) continue;
        std::vector<Point> pts;
        while (!g.done()) g.run(4096, pts);
        rows.push_back({texts[i], offsets_to_strokes(pts, m.norm.scale_x, m.norm.scale_y)});
    }
    ::mkdir((r.cfg.out_dir + "/samples").c_str(), 0755);
    char name[64];
    std::snprintf(name, sizeof name, "/samples/step-%06ld.svg", r.step);
    write_file_atomic(r.cfg.out_dir + name, render_rows_svg(rows));
}

void log_progress(Run& r, double loss, double gnorm, double rate, double pts_rate, double eta) {
    char line[256];
    std::snprintf(line, sizeof line, "step %ld/%ld  epoch %ld  loss %.4f/pt  |g| %.2f  %.2f upd/s  %.0f pts/s  ETA %dm%02ds",
                  r.step, r.cfg.steps, r.epoch, loss, gnorm, rate, pts_rate, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    if (r.tty) {
        const int width = 24;
        const int filled = static_cast<int>(width * static_cast<double>(r.step) / std::max(1L, r.cfg.steps));
        std::fprintf(stderr, "\r[%s%s] %s ", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), line);
    } else if (r.step % 50 == 0) {
        std::fprintf(stderr, "%s\n", line);
    }
}

void record_eval(Run& r, double train_loss, double rate) {
    const EvalResult e = evaluate(r);
    if (r.tty) std::fprintf(stderr, "\n");
    std::fprintf(stderr, "eval step %ld: valid %.1f nats/line, %.4f nats/point (%ld lines)\n", r.step, e.nll_per_line,
                 e.nll_per_point, static_cast<long>(e.lines));
    r.metrics << r.step << "," << r.epoch << "," << train_loss << "," << e.nll_per_line << "," << e.nll_per_point << ","
              << rate << "," << r.skipped << "\n";
    r.metrics.flush();
    std::string csv, svg;  // the loss plot is a convenience: a failure to draw it is not an error
    if (read_text_file(r.cfg.out_dir + "/metrics.csv", csv).ok && plot_metrics(csv, svg))
        (void)write_file_atomic(r.cfg.out_dir + "/loss.svg", svg);
    if (e.nll_per_line < r.best_valid) {
        r.best_valid = e.nll_per_line;
        json meta = position(r);
        meta["valid_nll_per_line"] = e.nll_per_line;
        meta["valid_nll_per_point"] = e.nll_per_point;
        export_to(r, r.cfg.out_dir + "/best.hwm", Precision::F32, meta);
    }
}

Status prepare(Run& r) {
    Status s = load_dataset(r.cfg.data, r.data);
    if (!s) return s;
    r.train = r.data.train;
    r.valid = r.data.valid;
    if (r.train.empty()) return Status::error(r.cfg.data + ": the dataset has no training lines");
    if (!(s = pick_device(r))) return s;
    ::mkdir(r.cfg.out_dir.c_str(), 0755);
    if (!(s = build_network(r))) return s;
    const bool synth = r.net->hparams().kind == ModelKind::Synthesis;
    if (synth) {
        filter_lines(r.train, r.info.alphabet, "training");
        filter_lines(r.valid, r.info.alphabet, "validation");
        if (r.train.empty()) return Status::error("no training line can be written with the model's alphabet");
    }
    if (r.valid.empty()) r.valid.assign(r.train.begin(), r.train.begin() + std::min<long>(64, static_cast<long>(r.train.size())));
    r.maker.data = &r.data;
    r.maker.alphabet = r.info.alphabet;
    r.maker.with_text = synth;
    const bool fresh_metrics = r.step == 0;
    r.metrics.open(r.cfg.out_dir + "/metrics.csv", fresh_metrics ? std::ios::trunc : std::ios::app);
    if (fresh_metrics) r.metrics << "step,epoch,train_nll_per_point,valid_nll_per_line,valid_nll_per_point,updates_per_s,skipped\n";
    r.tty = isatty(2);
    if (r.device.is_cuda() && r.cfg.cuda_graphs && GraphStepper::available()) {
        size_t chars = 1;
        for (const auto& l : r.train) chars = std::max(chars, utf8_length(l.text));
        for (const auto& l : r.valid) chars = std::max(chars, utf8_length(l.text));
        r.graphs = std::make_unique<GraphStepper>(r.net, r.cfg.batch, r.cfg.graph_t_step, static_cast<int64_t>(chars), r.cfg.out_clip);
        std::fprintf(stderr, "train: CUDA graphs on (lengths padded to multiples of %d, text to %zu characters)\n", r.cfg.graph_t_step, chars);
    }
    std::fprintf(stderr, "train: %s %dx%d, %zu train / %zu valid lines, device %s, batch %d, %s lr %g\n",
                 kind_name(r.net->hparams().kind), r.net->hparams().layers, r.net->hparams().hidden, r.train.size(),
                 r.valid.size(), r.device.is_cuda() ? "cuda" : "cpu", r.cfg.batch, r.cfg.optimizer.c_str(), r.cfg.lr);
    return Status::success();
}

// A run whose loss has blown up (Adam can take a destructive step even with clipped gradients)
// goes back to the weights of its best validation, with fresh optimizer state and half the
// learning rate, instead of spending the rest of its updates on a broken network.
Status roll_back(Run& r, const std::string& why) {
    std::vector<uint8_t> best;
    if (!read_file(r.cfg.out_dir + "/best.hwm", best).ok)
        return Status::error("the loss diverged (" + why + ") before the first evaluation; try a lower --lr");
    if (++r.rollbacks > r.cfg.max_rollbacks)
        return Status::error("the loss diverged again (" + why + ") after " + std::to_string(r.cfg.max_rollbacks) +
                             " rollbacks; try a lower --lr or a smaller --clip");
    ExportInfo info;
    Status s = import_hwm(best, r.net, info);
    if (!s) return Status::error(r.cfg.out_dir + "/best.hwm: " + s.message);
    r.opt = make_optimizer(r.cfg, r.net);
    set_lr(r, r.lr * 0.5);
    std::fprintf(stderr, "\ntrain: step %ld: the loss diverged (%s); restored best.hwm, fresh optimizer state, lr now %g (rollback %ld)\n",
                 r.step, why.c_str(), r.lr, r.rollbacks);
    return Status::success();
}

Status loop(Run& r) {
    const auto t0 = Clock::now();
    double avg_step = 0, last_loss = 0, gnorm = 0, pts_rate = 0;
    long steps_here = 0;
    // Divergence watch: a smoothed training loss against the best it has been, and skipped batches.
    double smooth = std::nan(""), best_smooth = 1e30;
    long finite_steps = 0, window_skips = 0;
    shuffle_epoch(r);
    while (r.step < r.cfg.steps) {
        if (r.cfg.time_limit > 0 && seconds_since(t0) + 2.5 * avg_step + 20 > r.cfg.time_limit) {
            std::fprintf(stderr, "\ntrain: time limit reached at step %ld\n", r.step);
            break;
        }
        if (r.batch_in_epoch >= static_cast<long>(r.order.size())) {
            ++r.epoch;
            r.batch_in_epoch = 0;
            shuffle_epoch(r);
        }
        const auto ts = Clock::now();
        const Batch b = r.maker.make(r.train, r.order[static_cast<size_t>(r.batch_in_epoch++)]).to(r.device);
        if (r.cfg.debug_corrupt_at > 0 && r.step == r.cfg.debug_corrupt_at) {  // test hook: wreck the weights
            torch::NoGradGuard ng;
            for (auto& p : r.net->parameters()) p.mul_(40.0);
        }
        const double l = train_step(r, b, gnorm);
        if (std::isfinite(l)) {
            last_loss = l;
            smooth = std::isnan(smooth) ? l : 0.95 * smooth + 0.05 * l;
            if (++finite_steps >= 50) best_smooth = std::min(best_smooth, smooth);
        } else {
            ++window_skips;
        }
        ++r.step;
        if (r.step % 100 == 0) window_skips = 0;
        std::string why;
        if (r.cfg.diverge_margin > 0 && finite_steps >= 50 && smooth > best_smooth + r.cfg.diverge_margin) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "smoothed loss %.3f/pt against a best of %.3f", smooth, best_smooth);
            why = buf;
        } else if (r.cfg.diverge_margin > 0 && window_skips >= 20) {
            why = std::to_string(window_skips) + " skipped batches within 100 updates";
        }
        if (!why.empty()) {
            Status s = roll_back(r, why);
            if (!s) return s;
            smooth = std::nan("");
            finite_steps = 0;
            window_skips = 0;
        }
        ++steps_here;
        const double dt = seconds_since(ts);
        avg_step = steps_here == 1 ? dt : 0.95 * avg_step + 0.05 * dt;
        pts_rate = 0.95 * pts_rate + 0.05 * static_cast<double>(b.points) / dt;
        log_progress(r, last_loss, gnorm, 1.0 / avg_step, pts_rate, avg_step * static_cast<double>(r.cfg.steps - r.step));
        if (r.step % r.cfg.eval_every == 0) record_eval(r, last_loss, 1.0 / avg_step);
        if (r.step % r.cfg.save_every == 0) {
            Status s = save_all(r);
            if (!s) return s;
        }
        if (r.cfg.sample_every > 0 && r.step % r.cfg.sample_every == 0) write_samples(r);
    }
    if (r.tty) std::fprintf(stderr, "\n");
    std::fprintf(stderr, "train: %ld updates in %.1f s (%.2f updates/s, %.0f points/s)\n", steps_here, seconds_since(t0),
                 steps_here / std::max(1e-9, seconds_since(t0)), pts_rate);
    if (r.step % r.cfg.eval_every != 0) record_eval(r, last_loss, avg_step > 0 ? 1.0 / avg_step : 0);
    return save_all(r);
}

Status finish(Run& r) {
    Precision p;
    if (!parse_precision(r.cfg.precision, p)) return Status::error("unknown precision " + r.cfg.precision);
    // The exported model is the best one seen by validation, in the asked-for precision.
    std::vector<uint8_t> best;
    if (read_file(r.cfg.out_dir + "/best.hwm", best).ok) {
        HandwritingNet net(r.net->hparams(), r.net->variant());
        ExportInfo info;
        Status s = import_hwm(best, net, info);
        if (!s) return s;
        HwmFile f;
        read_hwm(best.data(), best.size(), f);
        info.meta = f.header.value("meta", json::object());
        return export_hwm_file(net, info, p, r.cfg.out_dir + "/model.hwm");
    }
    return export_to(r, r.cfg.out_dir + "/model.hwm", p, position(r));
}

}  // namespace

int run_training(const TrainConfig& cfg) {
    Run r;
    r.cfg = cfg;
    try {
        Status s = prepare(r);
        if (!s) {
            std::fprintf(stderr, "hw-train train: %s\n", s.message.c_str());
            return 2;
        }
        if (!(s = loop(r)) || !(s = finish(r))) {
            std::fprintf(stderr, "hw-train train: %s\n", s.message.c_str());
            return 1;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hw-train train: internal error: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "train: wrote %s/model.hwm (%s), best.hwm, last.hwm, metrics.csv, loss.svg\n", cfg.out_dir.c_str(),
                 cfg.precision.c_str());
    return 0;
}

}  // namespace hw
