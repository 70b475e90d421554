// hw-train eval: legibility of a synthesis model, read back with OCR (see eval_cmd.cpp).
#pragma once

namespace hw {

// argv[1] is "eval"; options start at argv[2]. Prints a JSON summary on stdout and writes
// eval.json, eval.md, readings.jsonl and a gallery PNG to --out. Returns 0, 1 (internal) or 2 (bad input).
int cmd_eval(int argc, char** argv);

}  // namespace hw
