// hw-train: builds datasets and trains, evaluates and benchmarks the networks.
#include <cstdio>
#include <string>

#include "eval_cmd.h"

namespace hw {
int cmd_train(int argc, char** argv);
int cmd_bench(int argc, char** argv);
}  // namespace hw

static const char* kUsage =
    "usage: hw-train <command> [options]\n"
    "  train   train a network on a dataset (hw-train train --help)\n"
    "  bench   updates per second of the synthesis network on random data\n"
    "  eval    legibility: OCR character error rate of samples vs the ground truth (hw-train eval --help)\n";

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "train") return hw::cmd_train(argc, argv);
    if (cmd == "bench") return hw::cmd_bench(argc, argv);
    if (cmd == "eval") return hw::cmd_eval(argc, argv);
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    std::fprintf(stderr, "hw-train: %s\n%s", cmd.empty() ? "no command" : ("unknown command \"" + cmd + "\"").c_str(), kUsage);
    return 2;
}
