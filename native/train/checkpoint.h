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

// Whether `name` is a file save_checkpoint writes: the index or a part (ckpt-gGEN.partK).
bool is_checkpoint_file_name(const std::string& name);
// Removes the parts in `dir` that its index does not name (left by a kill between the parts and
// the index); `removed` counts them. With no index every part goes; an index that cannot be read,
// or that names a part the folder lacks, leaves them all alone.
Status remove_orphan_parts(const std::string& dir, size_t& removed);

// Tests only (tests/train_kill_test.sh): while the environment variable HW_TEST_CHECKPOINT_STALL
// names a file, a checkpoint that replaces an earlier one is written in 4 KiB parts and, after its
// first part, the process creates that file and sleeps for a minute, so the test can kill it
// between the parts.
constexpr const char* kCheckpointStallEnv = "HW_TEST_CHECKPOINT_STALL";

}  // namespace hw
