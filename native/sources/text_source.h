// Text for the fonts corpus: English lines from the fortune files (Debian's `fortunes`), cut at
// word boundaries into lines of 10-50 characters over IAM-OnDB's character set, plus a small
// share of generated lines that make the rare characters (Q, X, Z, digits, brackets) common enough.
#pragma once
#include <string>
#include <vector>

#include "raw_line.h"
#include "rng.h"
#include "status.h"

namespace hw {

// The 80 characters of IAM-OnDB's transcriptions (plus space).
const std::string& iam_charset();

constexpr size_t kMinLineChars = 10, kMaxLineChars = 50;

// Splits a fortune file's text ("%" lines separate entries) into lines of 10-50 characters.
// Words with characters outside the set end the current line and are dropped (counted).
void fortune_lines(const std::string& text, Rng& rng, std::vector<std::string>& out, SkipLog& skipped);
// Reads every plain fortune file in `dir` (not the .dat/.u8 indexes, not the offensive ones).
Status load_fortunes(const std::string& dir, Rng& rng, std::vector<std::string>& out, SkipLog& skipped);
// A line of 10-50 characters rich in rare characters: numbers, dates, Q/X/Z words, brackets.
std::string generated_line(Rng& rng);

}  // namespace hw
