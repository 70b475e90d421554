// Training checkpoints that survive a kill and travel between machines: weights + optimiser state
// serialised by LibTorch, split into parts of at most `part_bytes`, and a JSON index written last
// (atomically) that names the parts, their CRCs and the training position. A kill at any moment
// leaves the previous checkpoint intact.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "status.h"

namespace hw {

constexpr size_t kCheckpointPartBytes = 15u << 20;  // under the 16 MiB transfer limit

// `info` is stored in the index (step, epoch, config, ...). Old parts are removed after the index
// moves on to the new ones.
Status save_checkpoint(const std::string& dir, torch::nn::Module& net, torch::optim::Optimizer& opt,
                       const nlohmann::json& info, size_t part_bytes = kCheckpointPartBytes);
bool checkpoint_exists(const std::string& dir);
// Reads the index only (to configure the network before loading weights into it).
Status read_checkpoint_info(const std::string& dir, nlohmann::json& info);
Status load_checkpoint(const std::string& dir, torch::nn::Module& net, torch::optim::Optimizer& opt, nlohmann::json& info);

}  // namespace hw
