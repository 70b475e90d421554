// Exporter: maps every LibTorch parameter onto a model-spec name through one table, and writes
// .hwm files in f32, f16 or int8. The same table loads a .hwm back into a network (--init).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwm_format.h"
#include "nets.h"

namespace hw {

enum class MapOp { Copy, SumBiases, Masked };

// One row of the table: a spec tensor and the module parameters it comes from.
struct ParamMapping {
    std::string spec_name;
    std::vector<std::string> params;  // module parameter names (named_parameters())
    MapOp op = MapOp::Copy;
};
std::vector<ParamMapping> parameter_table(const HParams& hp);

// The parts of a network that can be named (hw-train --freeze), from the table: layer1..layerN (the
// LSTM layers, each with its input columns), window (the attention's layer, synthesis), clockwork
// (the clockwork layer) and mdn (the output layer), in the table's order.
std::vector<std::string> part_names(const HParams& hp);
// The module parameters (named_parameters() names) of the named parts. Fails naming the parts the
// network does not have, and when the parts are all of them (nothing would train).
Status parameters_of_parts(const HParams& hp, const std::vector<std::string>& parts, std::vector<std::string>& out);

// What the header carries besides the weights.
struct ExportInfo {
    Normalisation norm;
    std::u32string alphabet;
    int max_steps_per_char = 60;
    nlohmann::json meta = nlohmann::json::object();
};

// Every spec tensor, in spec order, from the network (on any device). Fails naming any parameter
// the table leaves unmapped or any spec tensor it cannot fill.
Status collect_tensors(HandwritingNet& net, std::vector<NamedTensor>& out);
Status export_hwm(HandwritingNet& net, const ExportInfo& info, Precision precision, std::vector<uint8_t>& out);
Status export_hwm_file(HandwritingNet& net, const ExportInfo& info, Precision precision, const std::string& path);

// Loads weights from a .hwm into a network of the same hyperparameters (biases go to bias_ih,
// bias_hh is zeroed), and reads the header fields into `info`. With `widen_to` (a synthesis model's
// alphabet and more), the network has that alphabet and the file's window columns are laid out for
// it (widen_window_columns).
Status import_hwm(const std::vector<uint8_t>& bytes, HandwritingNet& net, ExportInfo& info, const std::u32string* widen_to = nullptr);
// A model's alphabet followed by the characters of `data` it lacks (sorted): the widened alphabet.
std::u32string widened_alphabet(const std::u32string& model, const std::u32string& data);
// Lays every LSTM layer's window columns (the last columns of lstmN.w_ih) out for `to`, a superset
// of `from`: each character keeps its column; a new one starts as a copy of its base character's
// (base_character: é from e, Œ from O), or at zero when the model lacks that too.
Status widen_window_columns(std::vector<NamedTensor>& tensors, const std::u32string& from, const std::u32string& to);
// Builds the network a .hwm describes (hyperparameters and variant from its header).
Status model_config_from_hwm(const std::vector<uint8_t>& bytes, HParams& hp, Variant& v);

}  // namespace hw
