// What the binding's files share (binding.cpp: the core's handles; page_binding.cpp: the page
// driver and the page exports): the loaded model and the one conversion of priming ink from
// JavaScript.
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "generator.h"
#include "layout.h"
#include "model.h"
#include "text.h"

namespace hw {

using emscripten::val;

// An immutable loaded model. load() returns "" or the reader's message.
class WasmModel {
public:
    // bytes: a Uint8Array (or ArrayBuffer, or a string of bytes). A typed array is copied into
    // WASM memory in one TypedArray.set (embind's std::string conversion copied it byte by byte
    // in JavaScript: ~35 ms of the first stroke for the 7.5 MB default model).
    std::string load(const val& bytes) {
        if (bytes.isString()) return load_from(bytes.as<std::string>());
        const val u8 = bytes.instanceof(val::global("Uint8Array")) ? bytes : val::global("Uint8Array").new_(bytes);
        std::string buf(u8["length"].as<size_t>(), '\0');
        val(emscripten::typed_memory_view(buf.size(), reinterpret_cast<uint8_t*>(buf.data()))).call<void>("set", u8);
        return load_from(buf);
    }

    std::string load_from(const std::string& bytes) {
        Model m;
        const Status s = load_model(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), m);
        if (!s) return s.message;
        model_ = std::move(m);
        loaded_ = true;
        return "";
    }
    bool loaded() const { return loaded_; }
    std::string header_json() const { return model_.header_json; }
    std::string alphabet() const { return utf8_encode(model_.alphabet); }
    std::string kind() const { return kind_name(model_.hp.kind); }
    float scale_x() const { return model_.norm.scale_x; }
    float scale_y() const { return model_.norm.scale_y; }
    float line_height() const { return model_.norm.line_height; }
    int max_steps_per_char() const { return model_.max_steps_per_char; }
    int max_text_chars() const { return static_cast<int>(kMaxTextChars); }
    // Bytes the weight matrices hold in memory (int8 stays int8: about a quarter of f32).
    double weight_bytes() const { return static_cast<double>(hw::weight_bytes(model_)); }

    // The core's preparation of typed text (typography, the one unknown-character policy):
    // {text, marks: [{index, ch, action: 'replaced' | 'skipped', with}], error, pageError (what a
    // page refuses of the prepared text: check_page_text)}. `index` counts
    // code points of the text as given; `text` keeps newlines for the page to break lines at.
    val prepare_text(const std::string& utf8) const {
        std::u32string in;
        const Status s = utf8_decode(utf8, in);
        const PreparedText p = s ? hw::prepare_text(model_.alphabet, in) : PreparedText{};
        val out = val::object();
        out.set("error", s ? std::string() : "text: " + s.message);
        out.set("text", utf8_encode(p.text));
        const Status page = s ? check_page_text(p.text) : s;  // as a page (the driver) takes it
        out.set("pageError", page ? std::string() : page.message);
        val marks = val::array();
        for (const TextChange& c : p.changes) {
            val mark = val::object();
            mark.set("index", static_cast<double>(c.position));
            mark.set("ch", utf8_encode(c.ch));
            mark.set("action", std::string(c.with ? "replaced" : "skipped"));
            if (c.with) mark.set("with", utf8_encode(c.with));
            marks.call<void>("push", mark);
        }
        out.set("marks", marks);
        return out;
    }

    const Model& model() const { return model_; }

private:
    Model model_;
    bool loaded_ = false;
};

// Priming ink from JavaScript: strokes as a style file holds them, [[[x, y] or [x, y, t], ...], ...]
// (absolute points, y down, any unit; t in milliseconds, on every point of a stroke or on none),
// prepared for the model (prepare_ink), with the text they show.
Status priming_from(const Model& m, const val& strokes, const std::string& text, Priming& out);

// A copy of a vector as a typed array (a view of WASM memory dies when memory grows).
template <typename T>
val typed_copy(const std::vector<T>& v) {
    return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

}  // namespace hw
