#!/usr/bin/env bash
# hw-train data on the command line: the fonts corpus, the IAM fixture, user ink, the JSON
# summary, the preview, and the exit codes for bad input.
set -u
hwt=$1
fx=$2
[ -d "$fx/iam/lineStrokes" ] || { echo "FAIL: fixture $fx/iam is missing"; exit 1; }
. "$(dirname "$0")/cli_lib.sh"
json_check() {  # description, python expression over j (the summary)
  if python3 -c "import json,sys; j=json.load(open('$tmp/out')); sys.exit(0 if ($2) else 1)"; then ok; else bad "$1: $(head -c 400 "$tmp/out")"; fi
}

expect_exit 0 "fonts 200" "$hwt" data --fonts --lines 200 --seed 4 --out "$tmp/f.hwds" --preview "$tmp/f.svg"
json_check "fonts lines" "j['lines']['train'] + j['lines']['valid'] == 200 and j['lines']['valid'] > 0"
json_check "fonts keys" "all(k in j for k in ['points','characters','not_covered','skipped','sources','norm','alphabet'])"
json_check "fonts styles" "j['sources']['fonts']['styles']['valid'] > 0 and len(j['sources']['fonts']['fonts']) >= 9"
json_check "fonts bytes" "j['bytes'] > 1000 and j['norm']['line_height'] > 5"
if grep -q '<svg' "$tmp/f.svg" && grep -q '<path d="M' "$tmp/f.svg" && grep -q '<text' "$tmp/f.svg"; then ok; else bad "preview content"; fi
if command -v rsvg-convert >/dev/null; then
  if rsvg-convert "$tmp/f.svg" -o "$tmp/f.png" && [ -s "$tmp/f.png" ]; then ok; else bad "rsvg-convert rejects the preview"; fi
fi
grep -q "fonts: 200/200 lines" "$tmp/err" && ok || bad "no progress on stderr"
expect_exit 0 "fonts again" "$hwt" data --fonts --lines 200 --seed 4 --out "$tmp/g.hwds"
cmp -s "$tmp/f.hwds" "$tmp/g.hwds" && ok || bad "same seed gave different dataset bytes"
expect_exit 0 "fonts without SVG fonts" "$hwt" data --fonts --lines 50 --svg-fonts "$tmp/none" --out "$tmp/h.hwds"
grep -q "SVG fonts absent" "$tmp/err" && ok || bad "no note about absent SVG fonts"
# The traced handwriting fonts (make setup installs the font packages; their absence fails here).
# The Debian hands of the manifest (the npm ones need make hand-fonts); the QA gate's report names
# each hand's verdict, hands.json lists those that pass, qa/ holds a sheet per hand.
debian_hands=$(python3 -c 'import json,sys; print(",".join(h["name"] for h in json.load(open(sys.argv[1]))["hands"] if h["source"] == "debian"))' "$fx/../../tools/fonts/hands.json")
expect_exit 0 "strokefonts" "$hwt" strokefonts --out "$tmp/hand" --manifest "$fx/../../tools/fonts/hands.json" --only "$debian_hands"
[ -f "$tmp/hand/hand-dkg.svg" ] && [ -f "$tmp/hand/hand-steve.svg" ] && [ -f "$tmp/hand/qa/hand-dkg.svg" ] && ok || bad "strokefonts wrote no hand-dkg/hand-steve or their sheets"
cp "$tmp/out" "$tmp/hand/report.json"
python3 - "$tmp/hand/report.json" "$tmp/hand/hands.json" <<'PY' && ok || bad "QA report: $(head -c 300 "$tmp/hand/report.json")"
import json, sys
report, passed = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["hands"]
verdict = {f["name"]: f for f in report["fonts"]}
assert report["hands"] == 18 and report["hands_passed"] == len(passed) >= 10, (report["hands"], report["hands_passed"])
assert not verdict["hand-dkg"]["passed"] and "letters lost" in verdict["hand-dkg"]["failure"]  # its t and f refused
assert verdict["hand-tomson"]["caps_only"] and verdict["hand-humor"]["caps_only"] and not verdict["hand-breip"]["caps_only"]
assert all(f["passed"] == (f["name"] in {h["name"] for h in passed}) for f in report["fonts"])
PY
expect_exit 0 "fonts with hand fonts" "$hwt" data --fonts --lines 400 --seed 4 --hand-fonts "$tmp/hand" --out "$tmp/k.hwds"
json_check "hand fonts in the corpus" "sum(1 for f in j['sources']['fonts']['fonts'] if f.startswith('hand-')) >= 10"
# One whole hand is held out for validation: hw-train styles (which picks validation lines) finds it.
expect_exit 0 "held-out hand in validation" "$hwt" styles --data "$tmp/k.hwds" --out "$tmp/k.styles.json" --count 1 --min-chars 5 --prefer hand-steve
grep -q "hand-steve" "$tmp/k.styles.json" && ok || bad "no validation line of the held-out hand"
# Pairs of one writer's validation lines, for hw score --prime.
expect_exit 0 "styles --pairs-ink" "$hwt" styles --data "$tmp/k.hwds" --out "$tmp/p.styles.json" --pairs-ink "$tmp/pairs.jsonl" --pairs 3
python3 - "$tmp/pairs.jsonl" <<'PY' && ok || bad "pairs ink: $(head -c 300 "$tmp/pairs.jsonl")"
import collections, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
by = collections.Counter(r["writer"] for r in recs)
assert recs and all(2 <= n <= 3 for n in by.values()) and all(w.startswith("fonts:") for w in by), by
PY

expect_exit 0 "iam fixture" "$hwt" data --iam "$fx/iam" --out "$tmp/i.hwds"
json_check "iam lines" "j['lines'] == {'train': 2, 'valid': 1} and j['sources']['iam']['writers'] == 1"
json_check "iam skipped" "j['skipped'].get('iam malformed stroke files') == 1 and j['skipped'].get('iam transcription lines without ink') == 1"
json_check "iam messages name file and line" "any('a01-001w-01.xml:20:' in m for m in j['skipped_examples'])"

printf '{"text": "hello", "strokes": [[[0,0],[5,9],[10,0]],[[12,0],[12,10]]]}\nnot json\n' >"$tmp/ink.jsonl"
expect_exit 0 "ink" "$hwt" data --ink "$tmp/ink.jsonl" --out "$tmp/k.hwds"
json_check "ink lines" "j['lines']['train'] == 1 and j['skipped'].get('ink records malformed') == 1"
expect_exit 0 "mixed" "$hwt" data --iam "$fx/iam" --fonts --lines 30 --ink "$tmp/ink.jsonl" --out "$tmp/m.hwds"
json_check "mixed sources" "set(j['sources']) == {'iam', 'fonts', 'ink:$tmp/ink.jsonl'} and j['lines']['train'] + j['lines']['valid'] == 34"

# An 18 KB record that paced into gigabytes (issue #24 #1): refused at once, under a memory cap, the
# record named.
python3 -c "import json; print(json.dumps({'text': 'ab', 'strokes': [[[0, i % 2], [15000, i % 2]] for i in range(1000)]}))" >"$tmp/tiny.jsonl"
expect_exit 2 "ink: a tiny record that paces into gigabytes" bash -c "$(mem_cap "$hwt"); timeout 60 \"\$0\" data --ink \"\$1\" --out \"\$2\"" "$hwt" "$tmp/tiny.jsonl" "$tmp/x.hwds"
if grep -qF "$tmp/tiny.jsonl:1: ink stroke 2:" "$tmp/err"; then ok; else bad "data tiny record: $(head -c 300 "$tmp/err")"; fi

# Inputs are read with a bound (issue #24 #4): /dev/zero as an ink file or a dataset is refused under
# a memory cap (a dataset at its magic), and so is a dataset over the limit (a sparse 3 GB file).
cap=$(mem_cap "$hwt")
expect_exit 2 "data --ink /dev/zero" bash -c "$cap; timeout 60 \"\$0\" data --ink /dev/zero --out \"\$1\"" "$hwt" "$tmp/x.hwds"
grep -q "/dev/zero: the file is larger than" "$tmp/err" && ok || bad "data --ink /dev/zero: $(head -c 300 "$tmp/err")"
expect_exit 2 "styles --data /dev/zero" bash -c "$cap; timeout 60 \"\$0\" styles --data /dev/zero --out \"\$1\"" "$hwt" "$tmp/y.json"
grep -q "/dev/zero: not a dataset file (bad magic)" "$tmp/err" && ok || bad "styles --data /dev/zero: $(head -c 300 "$tmp/err")"
head -c 13 "$tmp/f.hwds" >"$tmp/huge.hwds" && truncate -s 3G "$tmp/huge.hwds"
expect_exit 2 "styles --data 3 GB" bash -c "$cap; timeout 60 \"\$0\" styles --data \"\$1\" --out \"\$2\"" "$hwt" "$tmp/huge.hwds" "$tmp/y.json"
grep -q "huge.hwds: the file is larger than" "$tmp/err" && ok || bad "styles --data 3 GB: $(head -c 300 "$tmp/err")"
if "$hwt" --help | grep -q "^  train "; then
  expect_exit 2 "train --data /dev/zero" bash -c "$cap; timeout 60 \"\$0\" train --data /dev/zero --out \"\$1\" --device cpu" "$hwt" "$tmp/run0"
  grep -q "/dev/zero: not a dataset file (bad magic)" "$tmp/err" && ok || bad "train --data /dev/zero: $(head -c 300 "$tmp/err")"
  # A sample text is a label of the sample sheets (SVG): a control character is refused (issue #24).
  expect_exit 2 "train --sample-text with a control character" "$hwt" train --data "$tmp/f.hwds" --out "$tmp/run1" --device cpu \
    --steps 1 --layers 1 --hidden 8 --mixtures 1 --window 1 --eval-every 1 --save-every 1 --sample-every 1 --sample-text "$(printf 'ab|c\001d')"
  grep -qF "sample-text: text 2 holds a control character (U+0001)" "$tmp/err" && ok || bad "train --sample-text: $(head -c 300 "$tmp/err")"
fi
rm -f "$tmp/huge.hwds"

# An output that names an input (or another output) is refused before anything is written (issue #24).
cp "$tmp/ink.jsonl" "$tmp/mine.jsonl"
expect_exit 2 "data --out is the --ink file" "$hwt" data --ink "$tmp/mine.jsonl" --out "$tmp/./mine.jsonl"
grep -qF -- "--out $tmp/./mine.jsonl names the same file as --ink $tmp/mine.jsonl" "$tmp/err" && ok || bad "data --out = --ink: $(head -c 300 "$tmp/err")"
cmp -s "$tmp/ink.jsonl" "$tmp/mine.jsonl" && ok || bad "data --out = --ink: the recorded ink was overwritten"
expect_exit 2 "data --preview is --out" "$hwt" data --ink "$tmp/ink.jsonl" --out "$tmp/same.out" --preview "$tmp/same.out"
[ ! -e "$tmp/same.out" ] && ok || bad "data --preview = --out: a file was written"
expect_exit 2 "styles --ink is the --data file" "$hwt" styles --data "$tmp/f.hwds" --out "$tmp/s2.json" --ink "$tmp/f.hwds"
grep -qF -- "--ink $tmp/f.hwds names the same file as --data" "$tmp/err" && ok || bad "styles --ink = --data: $(head -c 300 "$tmp/err")"

# A result that cannot be written to standard output is an error (issue #24 #6).
expect_exit 2 "data > /dev/full" bash -c "\"\$0\" data --ink \"\$1\" --out \"\$2\" >/dev/full" "$hwt" "$tmp/ink.jsonl" "$tmp/full.hwds"
grep -q "standard output: write failed (No space left on device)" "$tmp/err" && ok || bad "data > /dev/full: $(head -c 300 "$tmp/err")"

expect_exit 2 "no source" "$hwt" data --out "$tmp/x.hwds"
expect_exit 2 "no --out" "$hwt" data --fonts
expect_exit 2 "missing iam" "$hwt" data --iam "$tmp/nothing" --out "$tmp/x.hwds"
printf 'garbage\n' >"$tmp/bad.jsonl"
expect_exit 2 "unusable ink" "$hwt" data --ink "$tmp/bad.jsonl" --out "$tmp/x.hwds"
grep -q "bad.jsonl" "$tmp/err" && ok || bad "error does not name the file"
expect_exit 2 "bad --lines" "$hwt" data --fonts --lines 0 --out "$tmp/x.hwds"
expect_exit 2 "unknown option" "$hwt" data --fonts --bogus --out "$tmp/x.hwds"
expect_exit 2 "unknown command" "$hwt" frobnicate
# Every command answers --help on standard output with exit code 0 (CLI11); train, bench and
# strokefonts where this build has them.
subs="data styles eval"
for extra in train bench strokefonts; do "$hwt" --help | grep -q "^  $extra " && subs="$subs $extra"; done
for sub in $subs; do
  expect_exit 0 "$sub --help" "$hwt" "$sub" --help
  if grep -q -- "--" "$tmp/out"; then ok; else bad "$sub --help prints no options: $(head -c 300 "$tmp/out")"; fi
done
[ ! -e "$tmp/x.hwds" ] && ok || bad "a failed run left an output file"

# hw-train styles: one held-out line per font as presets (JSON) and as ink the core can prime with.
expect_exit 0 "styles" "$hwt" styles --data "$tmp/f.hwds" --out "$tmp/s.styles.json" --ink "$tmp/s.jsonl" --count 3 --min-chars 5
python3 - "$tmp/s.styles.json" "$tmp/s.jsonl" <<'PY' && ok || bad "styles output"
import json, sys
st = json.load(open(sys.argv[1]))["styles"]
ink = [json.loads(l) for l in open(sys.argv[2])]
assert 1 <= len(st) <= 3 and len(ink) == len(st)
assert len({s["source"].split(" ")[0] for s in st}) == len(st), "one style per font"
for s, r in zip(st, ink):
    assert s["source"].endswith("(valid)"), s["source"]
    assert s["text"] == r["text"] and 5 <= len(s["text"]) <= 40
    assert s["strokes"] and all(len(p) == 2 for k in s["strokes"] for p in k)
    # A name a person would pick; the font-and-slant name of earlier releases and the font as aliases.
    assert "slant" not in s["name"] and s["aliases"][1] == s["source"].split(" ")[0][len("fonts:"):], s
    assert s["aliases"][0].startswith(s["aliases"][1] + ", slant "), s
PY
expect_exit 2 "styles: unknown preferred font" "$hwt" styles --data "$tmp/f.hwds" --out "$tmp/y.json" --prefer nosuchfont
grep -q "nosuchfont" "$tmp/err" && ok || bad "styles error does not name the font"
expect_exit 2 "styles: missing dataset" "$hwt" styles --data "$tmp/none.hwds" --out "$tmp/y.json"
[ ! -e "$tmp/y.json" ] && ok || bad "a failed styles run left an output file"
# An output that cannot be written is the user's to fix: exit 2 (the one rule), and the message names it.
expect_exit 2 "styles: unwritable --out" "$hwt" styles --data "$tmp/f.hwds" --out "$tmp/no/such/dir/s.json" --count 1 --min-chars 5
grep -q "no/such/dir" "$tmp/err" && ok || bad "styles write error does not name the path"

echo "data cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
