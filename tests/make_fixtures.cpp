// Writes the golden fixtures under tests/fixtures/: for each network kind a small random LibTorch
// model exported to f32, the inputs, LibTorch's per-step outputs, and a trajectory the core
// samples with a fixed seed. Builds without LibTorch (the WASM build) are tested against them.
#include <cstdio>

#include "files.h"
#include "torch_trace.h"

using namespace hw;

static int write_fixture(const std::string& dir, const std::string& name, ModelKind kind, uint64_t seed) {
    HandwritingNet net = test::random_net(kind, seed);
    std::vector<uint8_t> bytes;
    Status s = export_hwm(net, test::small_info(net->hparams()), DType::F32, bytes);
    if (!s) { std::fprintf(stderr, "%s\n", s.message.c_str()); return 1; }
    Model m;
    if (!(s = load_model(bytes.data(), bytes.size(), m))) { std::fprintf(stderr, "%s\n", s.message.c_str()); return 1; }
    const std::string text = "hello world, quick fox!";
    const auto codes = kind == ModelKind::Synthesis ? test::codes_for(text) : std::vector<int>{};
    const auto inputs = test::wiggle_inputs(300, seed);
    nlohmann::json fx;
    fx["model"] = name + ".hwm";
    fx["kind"] = kind_name(kind);
    fx["text"] = kind == ModelKind::Synthesis ? text : "";
    fx["codes"] = codes;
    fx["inputs"] = test::points_to_json(inputs);
    fx["expected"] = test::trace_to_json(test::torch_trace(net, codes, inputs));
    bool finished = false;
    const std::string sample_text = kind == ModelKind::Synthesis ? "hello" : "";
    const auto pts = test::sample_trajectory(m, sample_text, 1234, 0.5f, 200, finished);
    fx["sample"] = {{"text", sample_text}, {"seed", 1234}, {"bias", 0.5}, {"max_steps", 200},
                    {"points", test::points_to_json(pts)}, {"finished", finished}};
    if (!(s = write_file_atomic(dir + "/" + name + ".hwm", bytes.data(), bytes.size()))) { std::fprintf(stderr, "%s\n", s.message.c_str()); return 1; }
    if (!(s = write_file_atomic(dir + "/" + name + ".json", fx.dump() + "\n"))) { std::fprintf(stderr, "%s\n", s.message.c_str()); return 1; }
    std::printf("wrote %s/%s.{hwm,json}\n", dir.c_str(), name.c_str());
    return 0;
}

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "tests/fixtures";
    int rc = 0;
    rc |= write_fixture(dir, "synthesis_small", ModelKind::Synthesis, 21);
    rc |= write_fixture(dir, "unconditional_small", ModelKind::Unconditional, 22);
    rc |= write_fixture(dir, "clockwork_small", ModelKind::Clockwork, 23);
    const nlohmann::json index = {"synthesis_small", "unconditional_small", "clockwork_small"};
    if (!rc) rc = !write_file_atomic(dir + "/index.json", index.dump() + "\n").ok;
    return rc;
}
