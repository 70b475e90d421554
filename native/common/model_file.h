// Loading a .hwm model file: the one place native code reads a model from disk.
#pragma once
#include <string>

#include "model.h"
#include "status.h"

namespace hw {

// Reads and loads PATH; every message starts with the path.
Status load_model_file(const std::string& path, Model& out);

}  // namespace hw
