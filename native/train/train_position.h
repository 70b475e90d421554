// Where a training run stands: what the checkpoint index stores besides the model description and
// the weight parts, and what the meta of last.hwm and best.hwm carries.
#pragma once
#include <nlohmann/json.hpp>

#include "status.h"

namespace hw {

struct TrainPosition {
    long step = 0;             // updates done
    long epoch = 0;
    long batch_in_epoch = 0;   // batches of this epoch's shuffled order already used
    long skipped = 0;          // batches skipped for a non-finite loss or gradient
    long rollbacks = 0;        // times the run went back to best.hwm after its loss diverged
    double best_valid = 1e30;  // best validation NLL per line so far: the weights in best.hwm
    double lr = 0;             // the learning rate now (halved at each rollback)
};

nlohmann::json position_json(const TrainPosition& p);

// Reads what position_json writes; the message names the field. Checkpoints from before rollbacks
// existed have no "rollbacks" (read as 0) and no "lr" (read as 0: unknown, the caller's to choose).
Status read_position(const nlohmann::json& j, TrainPosition& out);

}  // namespace hw
