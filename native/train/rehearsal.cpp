#include "rehearsal.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "batches.h"
#include "units.h"

namespace hw {

int rehearsal_per_batch(int batch, double share) {
    if (batch < 2 || !(share > 0)) return 0;
    return static_cast<int>(std::min<long>(batch - 1, std::lround(batch * share)));
}

std::vector<const DataLine*> Rehearsal::draw(long step) const {
    std::vector<const DataLine*> out;
    if (!active()) return out;
    const size_t n = pool.size(), first = static_cast<size_t>(step) * static_cast<size_t>(per_batch);
    for (int k = 0; k < per_batch; ++k) out.push_back(&pool[(first + static_cast<size_t>(k)) % n]);
    return out;
}

namespace {

// A seeded sample of at most kRehearsalPool of the lines, in a shuffled order.
std::vector<DataLine> sample_pool(std::vector<DataLine>& lines, uint64_t seed) {
    std::vector<size_t> order(lines.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 g(seed * 7919ULL + 17);
    std::shuffle(order.begin(), order.end(), g);
    order.resize(std::min(order.size(), kRehearsalPool));
    std::vector<DataLine> pool;
    pool.reserve(order.size());
    for (size_t i : order) pool.push_back(std::move(lines[i]));
    return pool;
}

// The pool in the run's units and quantum (units.h), saying what that did.
void to_run_units(const Dataset& corpus, const RehearsalOptions& o, Rehearsal& r) {
    if (same_units(corpus.norm, o.units) && corpus.quantum == o.quantum) return;
    const UnitChange c = plan_unit_change(corpus.norm, o.units);
    size_t dropped = 0;
    r.pool = change_units(r.pool, corpus.quantum, c, o.quantum, dropped);
    char buf[160];
    std::snprintf(buf, sizeof buf, "scaled by %.3f%s%s", c.scale, c.repace ? ", re-paced" : "",
                  dropped ? (", " + std::to_string(dropped) + " lines dropped").c_str() : "");
    r.units_report = buf;
}

}  // namespace

Status load_rehearsal(const RehearsalOptions& o, Rehearsal& out) {
    out = Rehearsal{};
    Dataset corpus;
    Status s = load_dataset(o.path, corpus);
    if (!s) return Status::error("--rehearse: " + s.message);
    std::vector<DataLine>& lines = corpus.train;
    if (!o.alphabet.empty()) keep_writable_lines(lines, o.alphabet);
    out.writable = lines.size();
    if (lines.empty()) return Status::error("--rehearse: " + o.path + ": no training line can be written with the model's alphabet");
    out.pool = sample_pool(lines, o.seed);
    to_run_units(corpus, o, out);
    if (out.pool.empty()) return Status::error("--rehearse: " + o.path + ": no line fits the run's units");
    out.per_batch = rehearsal_per_batch(o.batch, o.share);
    return Status::success();
}

std::vector<const DataLine*> compose_batch(const std::vector<DataLine>& lines, const std::vector<size_t>& idx,
                                           const Rehearsal& r, long step) {
    std::vector<const DataLine*> out;
    for (size_t i : idx) out.push_back(&lines[i]);
    for (const DataLine* l : r.draw(step)) out.push_back(l);
    return out;
}

}  // namespace hw
