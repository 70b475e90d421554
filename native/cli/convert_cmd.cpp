// hw convert IN.hwm OUT.hwm: re-stores a model's weights at another precision and/or adds entries
// to its header's "meta" (for example points_per_second, the pace the page draws at). The result
// is checked by loading it before it is written.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_app.h"
#include "cli_args.h"
#include "command.h"
#include "exit_codes.h"
#include "files.h"
#include "hwm_format.h"
#include "model.h"
#include "model_file.h"

namespace hw {

struct ConvertArgs {
    std::string in, out;
    std::string precision_name = "f16";
    DType precision = DType::F16;
    std::optional<std::string> meta;  // KEY=JSON[,KEY=JSON...]
};

static void bind_convert(CLI::App& app, ConvertArgs& a) {
    app.add_option("input", a.in, "the model to convert (.hwm)")->required();
    app.add_option("output", a.out, "where the converted model goes (.hwm)")->required();
    add_read_option(
        app, "--precision",
        [&a](const std::string& v) { return parse_dtype(v, a.precision) && (a.precision_name = v, true); },
        "f32|f16|int8", "the weights' precision (default f16)");
    app.add_option("--meta", a.meta, "entries added to the header's meta (a bare word is a string)")
        ->type_name("KEY=JSON[,KEY=JSON...]");
}

// Adds --meta's KEY=JSON items to the meta object (made when missing) of the header's JSON text.
static Status add_meta(std::string& header_text, const std::optional<std::string>& items) {
    nlohmann::json header = nlohmann::json::parse(header_text, nullptr, false);
    if (!header.is_object()) return Status::error("the header is not a JSON object");
    if (!header.contains("meta") || !header["meta"].is_object()) header["meta"] = nlohmann::json::object();
    for (const std::string& item : items ? split_list(*items) : std::vector<std::string>{}) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0) return Status::error("--meta: \"" + item + "\" is not KEY=JSON");
        nlohmann::json v = nlohmann::json::parse(item.substr(eq + 1), nullptr, false);
        if (v.is_discarded()) v = item.substr(eq + 1);  // a bare word is taken as a string
        header["meta"][item.substr(0, eq)] = v;
    }
    header_text = header.dump();
    return Status::success();
}

// The converted model's bytes, checked by loading them.
static Status convert_model(const ConvertArgs& a, std::vector<uint8_t>& result) {
    std::vector<uint8_t> bytes;
    Status s = read_model_bytes(a.in, bytes);
    if (!s) return s;
    Model check;
    if (!(s = load_model(bytes.data(), bytes.size(), check))) return Status::error(a.in + ": " + s.message);
    HwmFile f;
    if (!(s = read_hwm(bytes.data(), bytes.size(), f))) return Status::error(a.in + ": " + s.message);
    if (!(s = add_meta(f.header, a.meta))) return s;
    if (!(s = write_hwm(f.header, f.tensors, a.precision, result))) return Status::error(a.in + ": " + s.message);
    Model reloaded;
    if (!(s = load_model(result.data(), result.size(), reloaded))) return Status::error("converted model does not load: " + s.message);
    return s;
}

static int run_convert(int argc, char** argv) {
    const Fail fail{"hw"};
    ConvertArgs a;
    CLI::App app(kConvertCommand.summary);
    use_conventions(app);
    bind_convert(app, a);
    Status s = parse_command(app, argc, argv, 2);
    std::vector<uint8_t> result;
    if (!s || !(s = convert_model(a, result)) || !(s = write_file_atomic(a.out, result.data(), result.size())))
        return fail(kExitBadInput, s.message);
    std::fprintf(stderr, "hw: wrote %s (%s, %zu bytes)\n", a.out.c_str(), a.precision_name.c_str(), result.size());
    return kExitOk;
}

const Command kConvertCommand{"convert", "a model's weights at another precision, with entries added to its meta", run_convert};

}  // namespace hw
