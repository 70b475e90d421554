// hw: the native command-line front end of the inference core. Each command lives in a file of
// native/cli/ (command.h); this file only picks one by its name and prints the top-level usage.
#include <cstdio>
#include <string>

#include "command.h"
#include "exit_codes.h"

using namespace hw;

static const Command* const kCommands[] = {&kSampleCommand, &kInfoCommand, &kConvertCommand, &kScoreCommand, &kReadCommand};

static std::string usage() {
    std::string text = "usage: hw COMMAND [OPTIONS]; hw COMMAND --help lists a command's options\n";
    for (const Command* c : kCommands) {
        char line[32];
        std::snprintf(line, sizeof line, "  %-9s ", c->name);
        text += line + std::string(c->summary) + "\n";
    }
    return text;
}

int main(int argc, char** argv) {
    const Fail fail{"hw"};
    if (argc < 2) return fail(kExitBadInput, "no command\n" + usage());
    const std::string name = argv[1];
    for (const Command* c : kCommands)
        if (name == c->name) return c->run(argc, argv);
    if (name == "--help" || name == "-h" || name == "help") {
        std::fputs(usage().c_str(), stdout);
        return kExitOk;
    }
    return fail(kExitBadInput, "unknown command \"" + name + "\"\n" + usage());
}
