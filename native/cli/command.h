// hw's commands, one file each (native/cli/<name>_cmd.cpp); hw_main.cpp lists them. A command
// is its name, the one line that says what it does (the top-level usage and the first line of its
// --help), and its entry point, which parses argv[2..] itself and returns the exit code
// (common/exit_codes.h).
#pragma once

namespace hw {

struct Command {
    const char* name;
    const char* summary;
    int (*run)(int argc, char** argv);
};

extern const Command kSampleCommand;
extern const Command kInfoCommand;
extern const Command kConvertCommand;
extern const Command kScoreCommand;
extern const Command kReadCommand;

}  // namespace hw
