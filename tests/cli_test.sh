#!/usr/bin/env bash
# The hw command line on a fixture model: outputs, determinism, errors and exit codes.
set -u
hw=$1
fx=$2
model=$fx/synthesis_small.hwm
[ -f "$model" ] || { echo "FAIL: fixture $model is missing"; exit 1; }
. "$(dirname "$0")/cli_lib.sh"

expect_exit 0 "svg" "$hw" sample --model "$model" --text "hello" -o "$tmp/x.svg"
if grep -q '<svg' "$tmp/x.svg" && grep -q '</svg>' "$tmp/x.svg" && grep -q '<path d="M' "$tmp/x.svg"; then ok; else bad "svg content"; fi
if command -v rsvg-convert >/dev/null; then
  if rsvg-convert "$tmp/x.svg" -o "$tmp/x.png" && [ -s "$tmp/x.png" ]; then ok; else bad "rsvg-convert rejects the SVG"; fi
fi
expect_exit 0 "json a" "$hw" sample --model "$model" --text "hello world" --seed 7 --bias 0.5 -o "$tmp/a.json"
expect_exit 0 "json b" "$hw" sample --model "$model" --text "hello world" --seed 7 --bias 0.5 -o "$tmp/b.json"
expect_exit 0 "json c" "$hw" sample --model "$model" --text "hello world" --seed 8 --bias 0.5 --format json -o "$tmp/c.out"
if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else bad "same seed gave different bytes"; fi
if ! cmp -s "$tmp/a.json" "$tmp/c.out"; then ok; else bad "different seeds gave the same bytes"; fi
for key in '"text":"hello world"' '"points":[[' '"steps":' '"finished":'; do
  if grep -qF "$key" "$tmp/a.json"; then ok; else bad "json lacks $key"; fi
done
expect_exit 0 "png" "$hw" sample --model "$model" --text "hi" --format png -o "$tmp/p.bin"
if [ "$(head -c 4 "$tmp/p.bin" | od -An -tx1 | tr -d ' ')" = "89504e47" ]; then ok; else bad "png magic"; fi
expect_exit 0 "stdout json" "$hw" sample --model "$model" --text "hi" --max-steps 5
if grep -q '"steps":5' "$tmp/out"; then ok; else bad "--max-steps 5 not honoured"; fi

expect_exit 0 "info" "$hw" info "$model"
if grep -q '"kind": "synthesis"' "$tmp/out"; then ok; else bad "info lacks kind"; fi
head -c 100 "$model" >"$tmp/trunc.hwm"
expect_exit 2 "truncated model" "$hw" info "$tmp/trunc.hwm"
if grep -q "truncated" "$tmp/err"; then ok; else bad "truncation message: $(cat "$tmp/err")"; fi
expect_exit 2 "missing model" "$hw" sample --model "$tmp/none.hwm" --text "a" -o "$tmp/y.svg"
expect_exit 2 "unknown char" "$hw" sample --model "$model" --text "hello Z" -o "$tmp/z.svg"
if grep -q "'Z'" "$tmp/err"; then ok; else bad "unknown character not named: $(cat "$tmp/err")"; fi
if [ ! -e "$tmp/z.svg" ]; then ok; else bad "an output was written for bad input"; fi
expect_exit 0 "replace unknown" "$hw" sample --model "$model" --text "hello Z" --replace-unknown " " -o "$tmp/z.svg"
expect_exit 2 "empty text" "$hw" sample --model "$model" --text "" -o "$tmp/e.svg"
expect_exit 2 "long text" "$hw" sample --model "$model" --text "$(printf 'a%.0s' $(seq 1 300))" -o "$tmp/l.svg"
expect_exit 2 "bad bias" "$hw" sample --model "$model" --text "a" --bias x -o "$tmp/l.svg"
expect_exit 2 "bad format" "$hw" sample --model "$model" --text "a" -o "$tmp/l.gif"
expect_exit 2 "unknown option" "$hw" sample --model "$model" --text "a" --colour red
expect_exit 2 "no command" "$hw"

printf '{"text": "ab", "strokes": [[[0,0],[3,10],[6,0],[9,10]], [[12,0],[12,10]]]}\n' >"$tmp/prime.jsonl"
expect_exit 0 "primed" "$hw" sample --model "$model" --text "cd" --prime-ink "$tmp/prime.jsonl" -o "$tmp/pr.json"
if grep -qF '"text":"ab cd"' "$tmp/pr.json"; then ok; else bad "primed text is not prime + text"; fi
printf 'nope\n' >"$tmp/bad.jsonl"
expect_exit 2 "bad prime ink" "$hw" sample --model "$model" --text "cd" --prime-ink "$tmp/bad.jsonl" -o "$tmp/pr.json"

# hw score: two good records and a bad one (line 3), which is named on stderr and skipped.
{
  printf '{"text": "ab", "strokes": [[[0,0],[3,10],[6,0],[9,10]], [[12,0],[12,10]]]}\n'
  printf '{"text": "hello", "strokes": [[[0,0],[3,10],[6,0],[9,10],[12,3]], [[15,0],[15,10]]]}\n'
  printf '{"text": "ab", "strokes": []}\n'
} >"$tmp/score.jsonl"
expect_exit 0 "score" "$hw" score --model "$model" --ink "$tmp/score.jsonl"
if [ "$(grep -o '"line":' "$tmp/out" | wc -l)" = 2 ]; then ok; else bad "score: wanted 2 records: $(head -c 300 "$tmp/out")"; fi
for key in '"nats_per_point":' '"nats_per_line":' '"skipped":1' '"text":"hello"'; do
  if grep -qF "$key" "$tmp/out"; then ok; else bad "score json lacks $key"; fi
done
if grep -qF "$tmp/score.jsonl:3:" "$tmp/err"; then ok; else bad "score: bad record not named: $(cat "$tmp/err")"; fi
expect_exit 0 "score text" "$hw" score --model "$model" --ink "$tmp/score.jsonl" --format text
if grep -q '^ *all ' "$tmp/out"; then ok; else bad "score table lacks the totals row"; fi
printf 'nope\n{"text": "Zed", "strokes": [[[0,0],[3,10]]]}\n' >"$tmp/score_bad.jsonl"
expect_exit 2 "score all bad" "$hw" score --model "$model" --ink "$tmp/score_bad.jsonl"
if grep -qF "$tmp/score_bad.jsonl:2:" "$tmp/err" && grep -qF "'Z'" "$tmp/err"; then ok; else bad "score: unknown character not named: $(cat "$tmp/err")"; fi
# A work budget over all records (issue #24): 1 KB of records could take a network step each for
# minutes of points. Over it, scoring stops with exit 2, naming the record and the option.
expect_exit 2 "score over its work budget" "$hw" score --model "$model" --ink "$tmp/score.jsonl" --max-points 100
if grep -qF "$tmp/score.jsonl:2: its " "$tmp/err" && grep -q "would pass the work budget (.* points left; --max-points sets it)" "$tmp/err"; then ok; else bad "score budget: $(cat "$tmp/err")"; fi
expect_exit 2 "score without --ink" "$hw" score --model "$model"
expect_exit 2 "score bad format" "$hw" score --model "$model" --ink "$tmp/score.jsonl" --format xml
expect_exit 2 "score missing ink" "$hw" score --model "$model" --ink "$tmp/none.jsonl"
expect_exit 0 "score --help" "$hw" score --help
if grep -qF "hw score" "$tmp/out"; then ok; else bad "score --help prints no usage"; fi

# convert --meta: a comma inside a JSON value does not split it; a broken value is refused (issue #24).
expect_exit 0 "convert --meta" "$hw" convert "$model" "$tmp/meta.hwm" --meta 'sizes=[1,2],name=x'
expect_exit 0 "info of the converted model" "$hw" info "$tmp/meta.hwm"
if tr -d ' \n' <"$tmp/out" | grep -qF '"sizes":[1,2]'; then ok; else bad "convert --meta: sizes not [1,2]: $(head -c 600 "$tmp/out")"; fi
expect_exit 2 "convert --meta a=[1,b=2]" "$hw" convert "$model" "$tmp/meta2.hwm" --meta 'a=[1,b=2]'
if grep -qF "the value of a is not valid JSON" "$tmp/err"; then ok; else bad "convert --meta a=[1,b=2]: $(cat "$tmp/err")"; fi

# Old Mac line ends (a lone CR) end a line, and a UTF-8 byte-order mark is not text (issue #24).
printf '\xef\xbb\xbf{"text": "ab", "strokes": [[[0,0],[3,10],[6,0],[9,10]]]}\r{"text": "ba", "strokes": [[[0,0],[3,10],[6,0]]]}\r' >"$tmp/cr.jsonl"
expect_exit 0 "score: CR line ends and a BOM" "$hw" score --model "$model" --ink "$tmp/cr.jsonl"
if [ "$(grep -o '"line":' "$tmp/out" | wc -l)" = 2 ] && grep -qF '"line":2' "$tmp/out"; then ok; else bad "score CR: wanted records on lines 1 and 2: $(head -c 300 "$tmp/out") $(head -c 300 "$tmp/err")"; fi
printf '\xef\xbb\xbfab\rcd\r\nab\n' >"$tmp/cr.txt"
expect_exit 0 "text file: CR line ends and a BOM" "$hw" sample --model "$model" --text-file "$tmp/cr.txt" -o "$tmp/cr.json"
if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if [l['text'] for l in j['lines']] == ['ab', 'cd', 'ab'] else 1)" "$tmp/cr.json" 2>/dev/null; then ok; else bad "text file CR: lines are not ab, cd, ab"; fi

# Hostile files (issue #15 #6): the magic and the size are checked before a model file is read
# whole, under a memory cap (mem_cap, cli_lib.sh).
cap=$(mem_cap "$hw")
expect_exit 2 "info /dev/zero" bash -c "$cap; timeout 20 \"\$0\" info /dev/zero" "$hw"
if grep -q "bad magic" "$tmp/err"; then ok; else bad "/dev/zero: $(head -c 300 "$tmp/err")"; fi
head -c 12 "$model" >"$tmp/huge.hwm" && truncate -s 3G "$tmp/huge.hwm"
expect_exit 2 "info 3 GB file" bash -c "$cap; timeout 20 \"\$0\" info \"\$1\"" "$hw" "$tmp/huge.hwm"
if grep -q "larger than" "$tmp/err"; then ok; else bad "3 GB model: $(head -c 300 "$tmp/err")"; fi
rm -f "$tmp/huge.hwm"

# An 18 KB record of 1,000 long two-point strokes without times (issue #24 #1): each stroke had its
# own budget of 400,000 timed points, so pacing it took gigabytes. One budget for the whole record
# now: refused at once (under the memory cap), the file and record named.
python3 -c "import json; print(json.dumps({'text': 'ab', 'strokes': [[[0, i % 2], [15000, i % 2]] for i in range(1000)]}))" >"$tmp/tiny.jsonl"
expect_exit 2 "score: a tiny record that paces into gigabytes" bash -c "$cap; timeout 60 \"\$0\" score --model \"\$1\" --ink \"\$2\"" "$hw" "$model" "$tmp/tiny.jsonl"
if grep -qF "$tmp/tiny.jsonl:1: ink stroke 2:" "$tmp/err" && grep -q "400000 points in all" "$tmp/err"; then ok; else bad "score tiny record: $(head -c 300 "$tmp/err")"; fi
expect_exit 2 "prime: a tiny record that paces into gigabytes" bash -c "$cap; timeout 60 \"\$0\" sample --model \"\$1\" --text cd --prime-ink \"\$2\" -o \"\$3\"" "$hw" "$model" "$tmp/tiny.jsonl" "$tmp/tiny.svg"
if grep -qF "$tmp/tiny.jsonl:1: ink stroke 2:" "$tmp/err"; then ok; else bad "prime tiny record: $(head -c 300 "$tmp/err")"; fi

# Ink files are read with a bound (issue #24 #4): /dev/zero as --ink or --prime-ink is refused, under
# the memory cap, instead of ending in bad_alloc.
expect_exit 2 "score --ink /dev/zero" bash -c "$cap; timeout 60 \"\$0\" score --model \"\$1\" --ink /dev/zero" "$hw" "$model"
if grep -q "/dev/zero: the file is larger than" "$tmp/err"; then ok; else bad "score /dev/zero: $(head -c 300 "$tmp/err")"; fi
expect_exit 2 "--prime-ink /dev/zero" bash -c "$cap; timeout 60 \"\$0\" sample --model \"\$1\" --text cd --prime-ink /dev/zero -o \"\$2\"" "$hw" "$model" "$tmp/z.svg"
if grep -q "/dev/zero: the file is larger than" "$tmp/err"; then ok; else bad "prime /dev/zero: $(head -c 300 "$tmp/err")"; fi

# -o writes what it names without replacing it (issue #24 #3): a link's target (the link stays), a
# pipe as a pipe (standard output into a pipeline too); a valid 250-byte file name is taken.
printf 'old' >"$tmp/real.svg" && ln -s real.svg "$tmp/link.svg"
expect_exit 0 "-o a link" "$hw" sample --model "$model" --text "hi" -o "$tmp/link.svg"
if [ -L "$tmp/link.svg" ] && grep -q '<svg' "$tmp/real.svg"; then ok; else bad "-o a link: the link was replaced or its target not written"; fi
mkfifo "$tmp/pipe.svg"
timeout 20 cat "$tmp/pipe.svg" >"$tmp/from_pipe.svg" & reader=$!
expect_exit 0 "-o a named pipe" timeout 20 "$hw" sample --model "$model" --text "hi" -o "$tmp/pipe.svg"
wait $reader
if [ -p "$tmp/pipe.svg" ] && grep -q '</svg>' "$tmp/from_pipe.svg"; then ok; else bad "-o a named pipe: replaced, or nothing came through"; fi
# (a link of its own to /proc/self/fd/1, as /dev/stdout is: a failure must not replace the machine's)
ln -s /proc/self/fd/1 "$tmp/stdout"
if "$hw" sample --model "$model" --text "hi" -o "$tmp/stdout" --format svg | grep -q '</svg>'; then ok; else bad "-o a link to standard output, into a pipe"; fi
long="$tmp/$(printf 'a%.0s' $(seq 1 246)).svg"
expect_exit 0 "-o a 250-byte file name" "$hw" sample --model "$model" --text "hi" -o "$long"
if grep -q '</svg>' "$long"; then ok; else bad "-o a 250-byte file name: nothing written"; fi
mkdir "$tmp/folder.svg"
expect_exit 2 "-o a folder" "$hw" sample --model "$model" --text "hi" -o "$tmp/folder.svg"
if grep -qF "folder.svg: cannot write (Is a directory)" "$tmp/err"; then ok; else bad "-o a folder: $(cat "$tmp/err")"; fi

# Malformed --prime-ink records are reported as FILE:LINE: what, with a count (issue #15 #7).
{ printf 'nope\n'; printf '{"text": "ab", "strokes": [[[0,0],[3,10],[6,0],[9,10]]]}\n'; printf '{"text": "ab"}\n'; } >"$tmp/pm.jsonl"
expect_exit 0 "prime with bad records" "$hw" sample --model "$model" --text "cd" --prime-ink "$tmp/pm.jsonl" -o "$tmp/pm.json"
if grep -qF "$tmp/pm.jsonl:1: not valid JSON" "$tmp/err" && grep -qF "$tmp/pm.jsonl:3: field" "$tmp/err"; then ok; else bad "prime: bad records not named: $(cat "$tmp/err")"; fi
if grep -q "2 ink records skipped" "$tmp/err"; then ok; else bad "prime: no skip count: $(cat "$tmp/err")"; fi
printf 'nope\n[]\n' >"$tmp/pm_bad.jsonl"
expect_exit 2 "prime all bad" "$hw" sample --model "$model" --text "cd" --prime-ink "$tmp/pm_bad.jsonl" -o "$tmp/pm.json"
if grep -qF "$tmp/pm_bad.jsonl:2:" "$tmp/err"; then ok; else bad "prime all bad: records not named: $(cat "$tmp/err")"; fi

# A bidi override in the text or a file name is shown escaped in the error, never raw (issue #15).
expect_exit 2 "bidi in text" "$hw" sample --model "$model" --text "$(printf 'ab\xe2\x80\xaeZ')" -o "$tmp/bd.svg"
if grep -q "U+202E" "$tmp/err" && ! grep -q "$(printf '\xe2\x80\xae')" "$tmp/err"; then ok; else bad "bidi shown raw: $(cat "$tmp/err")"; fi
expect_exit 2 "bidi in file name" "$hw" info "$tmp/$(printf 'x\xe2\x80\xaey').hwm"
if grep -q "<U+202E>" "$tmp/err" && ! grep -q "$(printf '\xe2\x80\xae')" "$tmp/err"; then ok; else bad "bidi file name shown raw: $(cat "$tmp/err")"; fi

# A --meta value that is not UTF-8 (Latin-1 "café") is refused naming the option; its JSON writer
# aborted on it before (issue #21 item 0).
expect_exit 2 "Latin-1 --meta" "$hw" convert "$model" "$tmp/m.hwm" --meta "$(printf 'k=caf\xe9')"
if grep -q -- "--meta" "$tmp/err" && [ ! -e "$tmp/m.hwm" ]; then ok; else bad "Latin-1 --meta: $(cat "$tmp/err")"; fi
expect_exit 0 "UTF-8 --meta" "$hw" convert "$model" "$tmp/m.hwm" --meta "k=café"
if "$hw" info "$tmp/m.hwm" | grep -q '"k": "café"'; then ok; else bad "UTF-8 --meta not in the header"; fi

# hw score --prime: each record of a writer primed by that writer's record before it (issue #21).
rec() { printf '{"text":"%s","writer":"%s","strokes":[[[0,0],[3,-6],[6,0],[9,-6],[12,0]],[[15,0],[15,-8]]]}\n' "$1" "$2"; }
{ rec "hello" w1; rec "world" w1; rec "again" w2; rec "alone" ""; rec "more" w1; } >"$tmp/pairs.jsonl"
expect_exit 0 "score --prime" "$hw" score --model "$model" --ink "$tmp/pairs.jsonl" --prime
python3 - "$tmp/out" <<'PY' && ok || bad "score --prime: $(head -c 300 "$tmp/out")"
import json, math, sys
j = json.load(open(sys.argv[1]))
assert j["count"] == 2 and [(p["prime_line"], p["line"]) for p in j["pairs"]] == [(1, 2), (2, 5)], j["pairs"]
assert all(math.isfinite(p["gain"]) and abs(p["gain"] - (p["alone"] - p["primed"])) < 1e-9 for p in j["pairs"])
assert abs(j["mean_gain"] - sum(p["gain"] for p in j["pairs"]) / 2) < 1e-9
PY
{ rec "hello" ""; rec "world" w1; } >"$tmp/nopairs.jsonl"
expect_exit 2 "score --prime without pairs" "$hw" score --model "$model" --ink "$tmp/nopairs.jsonl" --prime
if grep -q 'no two usable records of one writer' "$tmp/err"; then ok; else bad "score --prime without pairs: $(cat "$tmp/err")"; fi

# hw read: the recognizer's reading of each record, its words checked (the fixture recognizer is
# untrained: its verdicts are arbitrary, the shape of the answer is not).
expect_exit 0 "read" "$hw" read --model "$fx/recognizer_small.hwm" --ink "$tmp/pairs.jsonl"
python3 - "$tmp/out" <<'PY' && ok || bad "read: $(head -c 300 "$tmp/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["lines"] == 5 and j["words"] == 5 and j["wrong_words"] == sum(r["wrong"] for r in j["records"]), j
assert all(isinstance(r["read"], str) and [w["word"] for w in r["words"]] == [r["text"]] for r in j["records"])
PY
expect_exit 2 "read with a synthesis model" "$hw" read --model "$model" --ink "$tmp/pairs.jsonl"
if grep -q "recognizer" "$tmp/err"; then ok; else bad "read with a synthesis model: $(cat "$tmp/err")"; fi

# Every command answers --help on standard output with exit code 0 (CLI11).
for sub in sample info convert score read; do
  expect_exit 0 "$sub --help" "$hw" "$sub" --help
  if grep -qF "hw $sub" "$tmp/out" && grep -q -- "--help" "$tmp/out"; then ok; else bad "$sub --help: $(head -c 300 "$tmp/out")"; fi
done
expect_exit 0 "hw --help" "$hw" --help
if grep -qF -- "--text-file" "$tmp/out"; then ok; else bad "hw --help lacks --text-file"; fi
expect_exit 0 "sample --help lists the options" "$hw" sample --help
for opt in --views --page --pressure --dpi --pen-up --align; do
  if grep -qF -- "$opt" "$tmp/out"; then ok; else bad "sample --help lacks $opt"; fi
done
expect_exit 2 "missing value" "$hw" sample --model
if grep -q "option --model needs a value" "$tmp/err"; then ok; else bad "missing value: $(cat "$tmp/err")"; fi
expect_exit 2 "flag with a value" "$hw" sample --model "$model" --text "a" --greedy=yes
if grep -q "option --greedy takes no value" "$tmp/err"; then ok; else bad "flag value: $(cat "$tmp/err")"; fi
if grep -q "unknown option --colour" <("$hw" sample --model "$model" --text "a" --colour red 2>&1); then ok; else bad "unknown option not named"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
