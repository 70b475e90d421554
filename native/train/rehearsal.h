// Rehearsal (issue 25): while a network is fine-tuned on a person's few lines, every batch also
// holds lines of a corpus it learnt from, at a fixed share, so that it keeps writing what it wrote
// (and does not forget how the text leads the pen). The corpus lines are drawn from a pool: a
// seeded sample of the corpus's training lines that the model's alphabet can write, brought to
// the run's units (units.h). Validation stays the person's held-back lines.
#pragma once
#include <string>
#include <vector>

#include "dataset.h"
#include "status.h"

namespace hw {

// The most corpus lines a run holds: ample for fine-tuning (40 updates at 5 a batch draw 200).
constexpr size_t kRehearsalPool = 4096;

// Corpus lines per batch of `batch` at `share` (in [0, 1)): the nearest whole number, leaving at
// least one line of the person's.
int rehearsal_per_batch(int batch, double share);

struct RehearsalOptions {
    std::string path;           // the corpus (.hwds)
    double share = 0;           // of every batch
    int batch = 1;              // lines per batch, the person's and the corpus's together
    std::u32string alphabet;    // the model's (empty: a network that reads no text)
    Normalisation units;        // the run's
    float quantum = 0.01f;      // of the run's dataset, which the pool's lines take
    uint64_t seed = 1;
};

struct Rehearsal {
    std::vector<DataLine> pool;  // in the run's units and quantum, in a seeded order
    int per_batch = 0;
    size_t writable = 0;         // the corpus's training lines the alphabet can write
    std::string units_report;    // what bringing them to the run's units did ("" when nothing)

    bool active() const { return per_batch > 0 && !pool.empty(); }
    // The pool's lines for the update after `step` updates: per_batch of them, cycling through the pool.
    std::vector<const DataLine*> draw(long step) const;
};

// Loads the corpus and makes the pool. Fails naming --rehearse (a file that does not load, or no
// line the alphabet can write).
Status load_rehearsal(const RehearsalOptions& o, Rehearsal& out);

// The lines of one batch: the person's lines `idx` of `lines`, then the rehearsal's draw for `step`.
std::vector<const DataLine*> compose_batch(const std::vector<DataLine>& lines, const std::vector<size_t>& idx,
                                           const Rehearsal& r, long step);

}  // namespace hw
