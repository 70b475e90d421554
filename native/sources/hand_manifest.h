// The hands manifest (tools/fonts/hands.json): every handwriting font that may enter the corpus,
// where it comes from (a Debian package under /usr/share/fonts, or an npm package of
// tools/fonts/), its licence and maker, whether it is a real person's hand, and how it enters the
// corpus. hw-train strokefonts reads it, traces the fonts and writes the entries of the hands that
// pass the QA gate into the traced folder's hands.json, which the corpus builder reads (the
// training machine has no FreeType): one home for what a hand is.
#pragma once
#include <string>
#include <vector>

#include "status.h"

namespace hw {

struct HandFontSpec {
    std::string name;        // the traced font's file name without ".svg", e.g. "hand-dkg"
    std::string source;      // "debian" (file under the fonts folder) or "fontsource" (under node_modules)
    std::string package;     // the Debian or npm package that carries it
    std::string file;        // the font file, relative to its source's folder
    std::string original;    // the font's own name and its maker
    std::string licence;     // OFL-1.1, Apache-2.0, ...
    std::string copyright;   // the licence's copyright line, where the package states one
    std::string hand;        // whose handwriting it was drawn from, or how it was designed
    std::string refuse;      // characters left out though they convert (drawn unlike a pen), UTF-8
    std::string refuse_why;
    bool real_hand = false;  // drawn from a real person's handwriting
    bool caps_only = false;  // its lower case are small capitals (what the gate must find)
    double weight = 1;       // share of the corpus's style draws
    bool script = false;     // joined-up: a letter's exit meets the next letter's entry
    bool italic = false;     // already slanted: less extra shear
    bool held_out = false;   // a whole hand kept for validation and hw score, never trained on
};

// Reads a manifest: {"hands": [...]}, every field typed and checked, names unique and of the form
// hand-[a-z0-9-]+; the message names the file, the entry and the field.
Status parse_hand_manifest(const std::string& text, const std::string& path, std::vector<HandFontSpec>& out);
Status load_hand_manifest(const std::string& path, std::vector<HandFontSpec>& out);
// The manifest text of some entries (as parse_hand_manifest reads them).
std::string hand_manifest_text(const std::vector<HandFontSpec>& hands);

}  // namespace hw
