// Fine-tuning's mechanics (issue 25) on the CPU with tiny networks: the lines brought to the base
// model's units, rehearsal batches, frozen parts, the legibility check and the checkpoint rule.
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "batches.h"
#include "exporter.h"
#include "model_file.h"
#include "nets.h"
#include "quantise.h"
#include "rehearsal.h"
#include "train_util.h"
#include "units.h"

using namespace hw;
using namespace hw::train_test;

namespace {

// A tiny synthesis network of tiny_config's shape, untrained, written with `norm` in its header.
std::string write_init_model(const std::string& path, const Normalisation& norm) {
    TrainConfig c = tiny_config("", "");
    HParams hp = c.hp;
    hp.kind = ModelKind::Synthesis;
    hp.alphabet = 3;
    torch::manual_seed(3);
    HandwritingNet net(hp, Variant{});
    ExportInfo info;
    info.norm = norm;
    info.alphabet = U"abc";
    info.max_steps_per_char = 12;
    REQUIRE(export_hwm_file(net, info, Precision::F32, path).ok);
    return path;
}

// Lines of two long wavy strokes each (a pen's path sampled at one time step: slower in the turns),
// in a dataset whose norm is measured from them.
Dataset wavy_corpus() {
    Dataset d;
    d.alphabet = U"abc";
    d.sources = {"wavy"};
    for (int i = 0; i < 12; ++i) {
        RawLine raw;
        raw.text = "abc";
        for (int s = 0; s < 2; ++s) {
            InkStroke st;
            for (int j = 0; j < 120; ++j) {
                const float u = 0.3f * static_cast<float>(j) + 0.2f * std::sin(0.3f * static_cast<float>(j));
                st.x.push_back(40.0f * static_cast<float>(s) + u);
                st.y.push_back((3.0f + 0.1f * static_cast<float>(i)) * std::sin(0.5f * u));
            }
            raw.strokes.push_back(st);
        }
        DataLine l;
        std::string why;
        REQUIRE(quantise_line(raw, d.quantum, l, why));
        (i < 10 ? d.train : d.valid).push_back(l);
    }
    d.norm = compute_norm(d.train, d.quantum);
    return d;
}

Model read_model(const std::string& path) {
    std::vector<uint8_t> bytes;
    REQUIRE(read_file(path, bytes).ok);
    Model m;
    REQUIRE(load_model(bytes.data(), bytes.size(), m).ok);
    return m;
}

}  // namespace

TEST_CASE("units: lines brought to a model's units get its line height and pen step; their norm becomes the model's") {
    Dataset d = wavy_corpus();
    Normalisation to;
    to.scale_x = 2.5f, to.scale_y = 1.7f;
    to.line_height = d.norm.line_height * 1.6f;
    to.point_spacing = d.norm.point_spacing * 1.6f * 0.75f;  // once scaled, the lines' points are denser than the model's
    const size_t lines = d.train.size() + d.valid.size();
    std::string report;
    bring_to_units(d, to, report);
    INFO(report);
    CHECK(same_units(d.norm, to));
    CHECK(d.train.size() + d.valid.size() == lines);
    const Normalisation after = compute_norm(d.train, d.quantum);
    CHECK(after.line_height == doctest::Approx(to.line_height).epsilon(0.05));
    CHECK(after.point_spacing == doctest::Approx(to.point_spacing).epsilon(0.05));
    CHECK(report.find("scaled by 1.600") != std::string::npos);
    CHECK(report.find("re-paced") != std::string::npos);
    report = "x";
    bring_to_units(d, to, report);  // already there: nothing changes
    CHECK(report.empty());
}

TEST_CASE("units: without re-pacing a line is only scaled (to the quantum), its text and pen lifts kept") {
    Dataset d = tiny_corpus();
    const DataLine& in = d.train[0];
    Normalisation from = d.norm, to = d.norm;
    to.line_height = from.line_height * 2;
    to.point_spacing = from.point_spacing * 2;
    const UnitChange c = plan_unit_change(from, to);
    REQUIRE_FALSE(c.repace);
    DataLine out;
    REQUIRE(change_line_units(in, d.quantum, c, d.quantum, out).ok);
    CHECK(out.text == in.text);
    REQUIRE(out.size() == in.size());
    CHECK(out.pen_up == in.pen_up);
    for (size_t i = 1; i < in.size(); ++i) CHECK(std::abs(out.dx[i] - 2 * in.dx[i]) <= 1);
}

TEST_CASE("fine-tuning from --init trains in the file's units: its normalisation goes into the model, the lines are rescaled") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds";
    Normalisation base;
    base.scale_x = 2.0f, base.scale_y = 1.6f, base.point_spacing = 2.0f, base.line_height = 5.0f;
    const std::string init = write_init_model(dir + "/base.hwm", base);
    TrainConfig c = tiny_config(data, dir + "/run");
    c.init = init;
    c.steps = 2;
    c.eval_every = 1;
    std::string err;
    REQUIRE(run_quietly(c, err) == 0);
    INFO(err);
    // tiny_corpus says line height 3 and pen step 1: scaled by 5/3, the step is 1.67, within 20% of 2
    CHECK(err.find("the dataset's lines in the model's units: scaled by 1.667 (median line height 3.00 -> 5.00), re-paced") !=
          std::string::npos);
    CHECK(same_units(read_model(dir + "/run/model.hwm").norm, base));
    CHECK(same_units(read_model(dir + "/run/best.hwm").norm, base));

    c.out_dir = dir + "/run-data-norm";  // the trainer before issue 25: the dataset's own units
    c.data_norm = true;
    REQUIRE(run_quietly(c, err) == 0);
    CHECK(err.find("model's units") == std::string::npos);
    CHECK(same_units(read_model(dir + "/run-data-norm/model.hwm").norm, tiny_corpus().norm));
    std::system(("rm -rf " + dir).c_str());
}

namespace {

// The tensors of a .hwm by name.
std::map<std::string, std::vector<float>> tensors_of(const std::string& path) {
    std::vector<uint8_t> bytes;
    REQUIRE(read_file(path, bytes).ok);
    HwmFile f;
    REQUIRE(read_hwm(bytes.data(), bytes.size(), f).ok);
    std::map<std::string, std::vector<float>> out;
    for (const auto& t : f.tensors) out[t.name] = t.values;
    return out;
}

}  // namespace

TEST_CASE("freeze: the named parts keep their weights bit for bit through the updates; the others change") {
    const std::string dir = fresh_run_dir(), data = dir + "/tiny.hwds";
    const std::string init = write_init_model(dir + "/base.hwm", tiny_corpus().norm);
    TrainConfig c = tiny_config(data, dir + "/run");
    c.init = init;
    c.steps = 4;
    c.eval_every = 2;
    c.freeze = {"window", "layer1"};
    std::string err;
    REQUIRE(run_quietly(c, err) == 0);
    INFO(err);
    CHECK(err.find("train: frozen: window,layer1 (") != std::string::npos);
    const auto before = tensors_of(init), after = tensors_of(dir + "/run/last.hwm");
    REQUIRE(before.size() == after.size());
    for (const auto& [name, values] : before) {
        const bool frozen = name.rfind("window.", 0) == 0 || name.rfind("lstm1.", 0) == 0;
        INFO(name);
        if (frozen) CHECK(after.at(name) == values);
        else CHECK(after.at(name) != values);
    }
    CHECK(hwm_meta(dir + "/run/last.hwm")["freeze"] == nlohmann::json({"window", "layer1"}));

    // Resuming with other parts frozen would mismatch Adam's moments: refused, naming the option.
    c.steps = 6;
    c.freeze = {"window"};
    CHECK(run_quietly(c, err) == 2);
    CHECK(err.find("--freeze: the checkpoint in " + dir + "/run was trained with --freeze window,layer1") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("freeze: parts the network does not have are refused with exit 2, naming them and the network's parts") {
    const std::string dir = fresh_run_dir();
    TrainConfig c = tiny_config(dir + "/tiny.hwds", dir + "/run");
    c.freeze = {"window", "bogus", "layer9"};
    std::string err;
    CHECK(run_quietly(c, err) == 2);
    CHECK(err.find("--freeze: this network has no part bogus, layer9 (its parts: layer1, layer2, window, mdn)") != std::string::npos);
    c.freeze = {"window", "layer1", "layer2", "mdn"};
    CHECK(run_quietly(c, err) == 2);
    CHECK(err.find("--freeze: every part of the network is frozen") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("rehearsal: the corpus's share of a batch, to the nearest line, always leaving one of the person's") {
    CHECK(rehearsal_per_batch(9, 0.5) == 5);
    CHECK(rehearsal_per_batch(8, 0.5) == 4);
    CHECK(rehearsal_per_batch(128, 0.25) == 32);
    CHECK(rehearsal_per_batch(9, 0.99) == 8);
    CHECK(rehearsal_per_batch(9, 0) == 0);
    CHECK(rehearsal_per_batch(1, 0.5) == 0);
}

namespace {

// A corpus of its own units: tiny_corpus's lines written twice as large (line height 6, step 2,
// scale 2.4), a tenth of them with a 'z' the model's alphabet lacks.
std::string write_rehearsal_corpus(const std::string& path) {
    Dataset d = tiny_corpus();
    for (auto* part : {&d.train, &d.valid})
        for (DataLine& l : *part)
            for (size_t i = 0; i < l.size(); ++i) l.dx[i] = static_cast<int16_t>(2 * l.dx[i]), l.dy[i] = static_cast<int16_t>(2 * l.dy[i]);
    for (size_t i = 0; i < d.train.size(); i += 10) d.train[i].text += "z";
    d.alphabet = U"abcz";
    d.norm.scale_x *= 2, d.norm.scale_y *= 2, d.norm.point_spacing *= 2, d.norm.line_height *= 2;
    REQUIRE(save_dataset(d, path).ok);
    return path;
}

}  // namespace

TEST_CASE("rehearsal: every batch holds the person's lines and the corpus's at the share, the corpus's writable and in the run's units") {
    const std::string dir = fresh_run_dir();
    const Dataset mine = tiny_corpus();
    RehearsalOptions o{write_rehearsal_corpus(dir + "/corpus.hwds"), 0.5, 9, U"abc", mine.norm, mine.quantum, 1};
    Rehearsal r;
    REQUIRE(load_rehearsal(o, r).ok);
    CHECK(r.per_batch == 5);
    CHECK(r.writable == 72);  // 80 less the 8 with a 'z'
    CHECK(r.pool.size() == 72);
    CHECK(r.units_report == "scaled by 0.500");
    const auto own = bucket_batches(mine.train, 9 - r.per_batch, 1 << 30);
    std::set<const DataLine*> drawn;
    for (long step = 0; step < 10; ++step) {
        const auto lines = compose_batch(mine.train, own[static_cast<size_t>(step)], r, step);
        REQUIRE(lines.size() == 9);
        size_t from_corpus = 0;
        for (const DataLine* l : lines) {
            const bool corpus = l >= r.pool.data() && l < r.pool.data() + r.pool.size();
            from_corpus += corpus;
            CHECK(l->text.find('z') == std::string::npos);
            if (corpus) drawn.insert(l);
        }
        CHECK(from_corpus == 5);
        for (size_t k = 0; k < 4; ++k) CHECK(lines[k] == &mine.train[own[static_cast<size_t>(step)][k]]);
    }
    CHECK(drawn.size() == 50);  // ten batches, no line drawn twice before the pool is used up
    // Written twice as large in units twice as large: brought back, each offset is the person's size again.
    const Normalisation n = compute_norm(r.pool, mine.quantum);
    CHECK(n.point_spacing == doctest::Approx(compute_norm(mine.train, mine.quantum).point_spacing).epsilon(0.02));

    o.path = dir + "/missing.hwds";
    Status s = load_rehearsal(o, r);
    CHECK(s.message.find("--rehearse: " + dir + "/missing.hwds") == 0);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("rehearsal: a run mixes the corpus into its batches and validates on the person's lines alone") {
    const std::string dir = fresh_run_dir();
    TrainConfig c = tiny_config(dir + "/tiny.hwds", dir + "/run");
    c.rehearse = write_rehearsal_corpus(dir + "/corpus.hwds");
    c.rehearse_share = 0.25;
    c.steps = 4;
    c.eval_every = 2;
    std::string err;
    REQUIRE(run_quietly(c, err) == 0);
    INFO(err);
    CHECK(err.find("train: rehearsal: 4 of every 16 lines from " + c.rehearse + " (a pool of 72 of its 72 writable lines; scaled by 0.500)") !=
          std::string::npos);
    CHECK(err.find("80 train / 16 valid lines") != std::string::npos);
    CHECK(err.find("(16 lines)") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}
