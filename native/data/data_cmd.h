// `hw-train data`: builds the cached dataset from IAM-OnDB, the fonts corpus and user ink.
#pragma once

namespace hw {

// argv[1] is "data"; returns the exit code (0, 1 internal failure, 2 bad input or no usable data).
int cmd_data(int argc, char** argv);

}  // namespace hw
