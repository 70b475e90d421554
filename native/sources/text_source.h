// Text for the fonts corpus: English lines from the fortune files (Debian's `fortunes`), and German,
// Spanish, Italian and Portuguese ones (fortunes-de, -es, -it, -br) with the Western European
// letters, cut at word boundaries into lines of 10-50 characters, plus a small share of generated
// lines that make the rare characters (Q, X, Z, digits, brackets, æ œ « » € ¡ ¿) common enough.
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
// Words with characters outside the set (IAM's, and with `accents` the Western European letters)
// end the current line and are dropped (counted).
void fortune_lines(const std::string& text, Rng& rng, std::vector<std::string>& out, SkipLog& skipped, bool accents = false);
// Reads every plain English fortune file in `dir` (regular files only: fortunes-it links its files
// there; not the .dat/.u8 indexes, not fortunes-br's "brasil", not the offensive ones).
// A copy for another machine keeps those links as links and follows the ones inside de/, es/ and
// it/ (fortunes-de links to /usr/share/games/fortunes-de): tools/fetch_fortunes.sh.
Status load_fortunes(const std::string& dir, Rng& rng, std::vector<std::string>& out, SkipLog& skipped);
// The German, Spanish, Italian and Portuguese fortunes under `dir` (de/, es/, it/, brasil), with
// accents; none installed is not an error (`out` stays empty).
Status load_foreign_fortunes(const std::string& dir, Rng& rng, std::vector<std::string>& out, SkipLog& skipped);
// A line of 10-50 characters rich in rare characters: numbers, dates, Q/X/Z words, brackets, and
// with `accents` the rare Western European letters and signs too.
std::string generated_line(Rng& rng, bool accents = false);

}  // namespace hw
