#include "graph_step.h"

#ifdef HW_CUDA_GRAPHS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace hw {

#ifdef HW_CUDA_GRAPHS

// Static buffers of one padded shape and the graph that reads them.
struct Captured {
    torch::Tensor x, target, mask, text, points;
    StepStats stats;
    std::unique_ptr<at::cuda::CUDAGraph> graph;
};

struct GraphStepper::Impl {
    HandwritingNet net{nullptr};
    int batch = 0;
    int64_t chars = 0;
    double out_clip = 0;
    FlatAdam* adam = nullptr;
    std::map<int64_t, Captured> by_length;
    decltype(at::cuda::graph_pool_handle()) pool;
    c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool();

    // The computation the graph holds: zero the gradients, forward, loss, backward, and with
    // `update` Adam's step (the warm-ups leave the weights alone).
    void body(Captured& c, bool update) {
        if (adam) adam->zero_gradients();
        else
            for (auto& p : net->parameters())
                if (p.grad().defined()) p.mutable_grad().zero_();
        NetOutput out = net->forward(c.x, c.text);
        if (out_clip > 0) {
            const double k = out_clip;
            out.y.register_hook([k](torch::Tensor g) { return g.clamp(-k, k); });
        }
        const torch::Tensor nll = mdn_nll(out.y, c.target, net->hparams().mixtures, net->variant().eos_sign) * c.mask;
        const torch::Tensor loss = nll.sum() / c.points;
        loss.backward();
        c.stats = adam && update ? adam->update(loss) : StepStats{loss.detach(), {}, {}};
    }

    Captured& capture(int64_t T) {
        Captured& c = by_length[T];
        const auto dev = torch::Device(torch::kCUDA);
        const int64_t V = net->hparams().alphabet;
        c.x = torch::zeros({T, batch, 3}, dev);
        c.target = torch::zeros({T, batch, 3}, dev);
        c.mask = torch::zeros({T, batch}, dev);
        c.mask[0].fill_(1.0);  // warm-up runs need a finite loss
        c.text = torch::zeros({batch, chars, std::max<int64_t>(1, V)}, dev);
        c.points = torch::ones({}, dev);
        torch::cuda::synchronize();
        {
            c10::cuda::CUDAStreamGuard guard(stream);
            body(c, false);  // warm-up: cuDNN plans, gradient buffers, workspaces
            body(c, false);
            stream.synchronize();
            // The eager warm-ups leave cached blocks outside the graph pool; give them back so a
            // long capture does not need twice the memory.
            c10::cuda::CUDACachingAllocator::emptyCache();
            c.graph = std::make_unique<at::cuda::CUDAGraph>();
            c.graph->capture_begin(pool);
            body(c, true);
            c.graph->capture_end();
        }
        torch::cuda::synchronize();
        return c;
    }
};

GraphStepper::GraphStepper(HandwritingNet net, int batch, int64_t t_step, int64_t chars, double out_clip, FlatAdam* adam)
    : impl_(std::make_unique<Impl>()), t_step_(t_step) {
    impl_->adam = adam;
    impl_->net = net;
    impl_->batch = batch;
    impl_->chars = chars;
    impl_->out_clip = out_clip;
    impl_->pool = at::cuda::graph_pool_handle();
}

GraphStepper::~GraphStepper() = default;

bool GraphStepper::available() { return torch::cuda::is_available(); }

size_t GraphStepper::graphs() const { return impl_->by_length.size(); }

// Copies a batch (on the device, any T <= padded, B <= batch, U <= chars) into the static
// buffers of its padded length, then replays that length's graph.
StepStats GraphStepper::step(const Batch& b) {
    const int64_t T = padded_length(b.x.size(0)), B = b.x.size(1);
    auto it = impl_->by_length.find(T);
    Captured& c = it != impl_->by_length.end() ? it->second : impl_->capture(T);
    c.x.zero_();
    c.target.zero_();
    c.mask.zero_();
    c.text.zero_();
    c.x.slice(0, 0, b.x.size(0)).slice(1, 0, B).copy_(b.x);
    c.target.slice(0, 0, b.x.size(0)).slice(1, 0, B).copy_(b.target);
    c.mask.slice(0, 0, b.x.size(0)).slice(1, 0, B).copy_(b.mask);
    if (b.text.defined()) c.text.slice(0, 0, B).slice(1, 0, b.text.size(1)).copy_(b.text);
    c.points.fill_(static_cast<double>(b.points));
    c.graph->replay();
    return c.stats;
}

#else

struct GraphStepper::Impl {};
GraphStepper::GraphStepper(HandwritingNet, int, int64_t t_step, int64_t, double, FlatAdam*) : t_step_(t_step) {}
GraphStepper::~GraphStepper() = default;
bool GraphStepper::available() { return false; }
size_t GraphStepper::graphs() const { return 0; }
StepStats GraphStepper::step(const Batch&) { return {}; }

#endif

}  // namespace hw
