#include "train_position.h"

#include <cmath>

namespace hw {

using nlohmann::json;

json position_json(const TrainPosition& p) {
    return {{"step", p.step},       {"epoch", p.epoch},         {"batch_in_epoch", p.batch_in_epoch},
            {"skipped", p.skipped}, {"rollbacks", p.rollbacks}, {"best_valid", p.best_valid},
            {"lr", p.lr}};
}

namespace {

Status get_count(const json& j, const char* key, bool required, long& out) {
    auto it = j.find(key);
    if (it == j.end()) return required ? Status::error(std::string("field ") + key + " is missing") : Status::success();
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
        return Status::error(std::string("field ") + key + " is not a non-negative integer");
    out = static_cast<long>(it->get<int64_t>());
    return Status::success();
}

Status get_finite(const json& j, const char* key, bool required, double& out) {
    auto it = j.find(key);
    if (it == j.end()) return required ? Status::error(std::string("field ") + key + " is missing") : Status::success();
    if (!it->is_number() || !std::isfinite(it->get<double>())) return Status::error(std::string("field ") + key + " is not a finite number");
    out = it->get<double>();
    return Status::success();
}

}  // namespace

Status read_position(const json& j, TrainPosition& out) {
    out = TrainPosition{};
    if (!j.is_object()) return Status::error("the training position is not a JSON object");
    Status s;
    if (!(s = get_count(j, "step", true, out.step)) || !(s = get_count(j, "epoch", true, out.epoch)) ||
        !(s = get_count(j, "batch_in_epoch", true, out.batch_in_epoch)) || !(s = get_count(j, "skipped", true, out.skipped)) ||
        !(s = get_count(j, "rollbacks", false, out.rollbacks)) || !(s = get_finite(j, "best_valid", true, out.best_valid)) ||
        !(s = get_finite(j, "lr", false, out.lr)))
        return s;
    if (out.lr < 0) return Status::error("field lr is negative");
    return Status::success();
}

}  // namespace hw
