// hw info F.hwm: a model's header as JSON.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_app.h"
#include "command.h"
#include "exit_codes.h"
#include "json_text.h"
#include "model_file.h"

namespace hw {

static int run_info(int argc, char** argv) {
    const Fail fail{"hw"};
    std::string path;
    CLI::App app(kInfoCommand.summary);
    use_conventions(app);
    app.add_option("model", path, "the model (.hwm)")->required();
    Status s = parse_command(app, argc, argv, 2);
    if (!s) return fail(kExitBadInput, s.message);
    Model m;
    if (!(s = load_model_file(path, m))) return fail(kExitBadInput, s.message);
    std::printf("%s\n", json_text(nlohmann::json::parse(m.header_json), 2).c_str());
    return kExitOk;
}

const Command kInfoCommand{"info", "a model's header as JSON", run_info};

}  // namespace hw
