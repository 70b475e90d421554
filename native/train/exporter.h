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
Status export_hwm(HandwritingNet& net, const ExportInfo& info, DType precision, std::vector<uint8_t>& out);
Status export_hwm_file(HandwritingNet& net, const ExportInfo& info, DType precision, const std::string& path);

// Loads weights from a .hwm into a network of the same hyperparameters (biases go to bias_ih,
// bias_hh is zeroed), and reads the header fields into `info`.
Status import_hwm(const std::vector<uint8_t>& bytes, HandwritingNet& net, ExportInfo& info);
// Builds the network a .hwm describes (hyperparameters and variant from its header).
Status model_config_from_hwm(const std::vector<uint8_t>& bytes, HParams& hp, Variant& v);

}  // namespace hw
