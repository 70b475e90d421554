// hw-train: the training-side command line. Each subcommand lives in its own file; the LibTorch
// ones are compiled in when LibTorch is found (HW_WITH_TORCH), so the data builder and the eval
// build without it.
#include <cstdio>
#include <cstring>

#include "data_cmd.h"
#include "eval_cmd.h"
#include "styles_cmd.h"

#ifdef HW_WITH_TORCH
namespace hw {
int cmd_train(int argc, char** argv);
int cmd_bench(int argc, char** argv);
}  // namespace hw
#endif
#ifdef HW_WITH_FREETYPE
namespace hw {
int cmd_strokefonts(int argc, char** argv);
}  // namespace hw
#endif

static const char* kUsage =
    "usage: hw-train <command> [options]\n"
    "  data    build the cached dataset (--iam DIR, --fonts, --ink FILE.jsonl; --out FILE)\n"
    "  styles  held-out lines of a dataset as the page's style presets (--data D --out F.styles.json)\n"
#ifdef HW_WITH_TORCH
    "  train   train a network on a dataset (hw-train train --help)\n"
    "  bench   updates per second of the synthesis network on random data\n"
#endif
#ifdef HW_WITH_FREETYPE
    "  strokefonts  handwriting outline fonts as single-stroke SVG fonts (hw-train strokefonts --help)\n"
#endif
    "  eval    legibility: OCR character error rate of samples vs the ground truth (hw-train eval --help)\n";

int main(int argc, char** argv) {
    const char* cmd = argc > 1 ? argv[1] : "";
    if (!std::strcmp(cmd, "data")) return hw::cmd_data(argc, argv);
    if (!std::strcmp(cmd, "styles")) return hw::cmd_styles(argc, argv);
#ifdef HW_WITH_TORCH
    if (!std::strcmp(cmd, "train")) return hw::cmd_train(argc, argv);
    if (!std::strcmp(cmd, "bench")) return hw::cmd_bench(argc, argv);
#endif
    if (!std::strcmp(cmd, "eval")) return hw::cmd_eval(argc, argv);
#ifdef HW_WITH_FREETYPE
    if (!std::strcmp(cmd, "strokefonts")) return hw::cmd_strokefonts(argc, argv);
#endif
    if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "help") || !std::strcmp(cmd, "-h"))
        return std::fputs(kUsage, stdout), 0;
    if (!*cmd) std::fprintf(stderr, "hw-train: no command\n%s", kUsage);
    else std::fprintf(stderr, "hw-train: unknown command \"%s\"\n%s", cmd, kUsage);
    return 2;
}
