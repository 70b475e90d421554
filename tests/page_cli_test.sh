#!/usr/bin/env bash
# hw sample --text-file: a 2,000-character letter written by the shipped model to the end with
# every word present (by the attention peaks the core checks on every line); then on the fixture
# model (quick; its random weights attend erratically, so one attempt per line): the same page from
# any thread count, each export read back by a parser, the views, and the errors.
set -u
hw=$1
fx=$2
model=$fx/synthesis_small.hwm
shipped=$fx/../../web/models/default.hwm
letter=$fx/letter.txt
for f in "$model" "$shipped" "$letter"; do [ -f "$f" ] || { echo "FAIL: $f is missing"; exit 1; }; done
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to read the outputs back"; exit 1; }
. "$(dirname "$0")/cli_lib.sh"
py() {  # description, python program (argv[1:] are the remaining arguments)
  local what=$1 prog=$2; shift 2
  if python3 -c "$prog" "$@" 2>"$tmp/py.err"; then ok; else bad "$what: $(head -c 400 "$tmp/py.err")"; fi
}

[ "$(python3 -c "import sys; print(len(open(sys.argv[1]).read()))" "$letter")" = 2000 ] || bad "the letter is not 2,000 characters"
expect_exit 0 "2,000 characters" "$hw" sample --model "$shipped" --text-file "$letter" --seed 1 --bias 1 --threads 2 -o "$tmp/letter.json"
py "every word written, in order, to the end, every line checked" '
import json, sys
j = json.load(open(sys.argv[1])); words = open(sys.argv[2]).read().split()
got = " ".join(l["text"] for l in j["lines"]).split()
assert got == words, "words differ"
assert all(len(l["text"]) <= 200 for l in j["lines"])
bad = [(l["text"], l.get("problem")) for l in j["lines"] if not (l["finished"] and l["ok"])]
assert not bad, bad[:3]
for l in j["lines"]:
    own = [p for p in l["peaks"] if p >= 0]
    assert max(own) >= len(l["text"]) - 1, "the window did not reach the end of " + l["text"]
    assert len(l["points"]) == len(l["peaks"]) > 0
assert len({l["paragraph"] for l in j["lines"]}) >= 5 and j["pages"] == 1
print(len(j["lines"]), "lines", file=sys.stderr)
' "$tmp/letter.json" "$letter"

# Exactly 2,000 characters in the fixture's alphabet, two paragraphs.
python3 - "$tmp/letter.txt" <<'PY'
import sys
words = "dear friend, the garden is full of roses and the old cat sleeps in the sun all day. we walked to the river, " \
        "watched the boats and talked about the summer! is it true that you will come soon? i hope so. ".split()
out, i = "", 0
while len(out) < 1990:
    out += ("" if not out or out.endswith("\n") else " ") + words[i % len(words)]
    if i == 120: out += "\n\n"
    i += 1
out = (out + " " + "x" * 2000)[:2000]
open(sys.argv[1], "w").write(out)
PY
[ "$(python3 -c "print(len(open('$tmp/letter.txt').read()))")" = 2000 ] || bad "the letter is not 2,000 characters"

fix=(--model "$model" --attempts 1)
expect_exit 0 "2,000 characters, fixture" "$hw" sample "${fix[@]}" --text-file "$tmp/letter.txt" --seed 3 --threads 2 -o "$tmp/page.json"
py "every planned word is in the lines" '
import json, sys
j = json.load(open(sys.argv[1])); words = open(sys.argv[2]).read().split()
assert " ".join(l["text"] for l in j["lines"]).split() == words
assert len({l["paragraph"] for l in j["lines"]}) == 2
' "$tmp/page.json" "$tmp/letter.txt"
expect_exit 0 "one thread" "$hw" sample "${fix[@]}" --text-file "$tmp/letter.txt" --seed 3 --threads 1 -o "$tmp/page1.json"
if cmp -s "$tmp/page.json" "$tmp/page1.json"; then ok; else bad "the page depends on the thread count"; fi

# The exports of one page (a short text keeps this quick).
head -c 400 "$tmp/letter.txt" >"$tmp/short.txt"
expect_exit 0 "svg" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --pressure --align justify -o "$tmp/p.svg"
py "svg parses, curves of several widths on an A4 page" '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot(); ns = "{http://www.w3.org/2000/svg}"
assert r.get("width") == "210.00mm", r.get("width")
paths = r.findall(f"{ns}g/{ns}path")
assert len(paths) > 20 and all(" C" in p.get("d") or "M" in p.get("d") for p in paths)
assert len({p.get("stroke-width") for p in paths}) > 1
' "$tmp/p.svg"
expect_exit 0 "plotter svg" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" -o "$tmp/p.plot.svg"
py "plotter svg: hairline paths of straight segments inside the page" '
import re, sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot(); ns = "{http://www.w3.org/2000/svg}"
g = r.find(f"{ns}g"); assert g.get("fill") == "none" and float(g.get("stroke-width")) <= 0.1
for p in g.findall(f"{ns}path"):
    d = p.get("d"); assert "C" not in d
    nums = [float(v) for v in re.findall(r"-?[0-9.]+", d)]
    xs, ys = nums[0::2], nums[1::2]
    assert min(xs) >= 0 and max(xs) <= 210 and min(ys) >= 0 and max(ys) <= 297
' "$tmp/p.plot.svg"
expect_exit 0 "gcode" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --page a5 --feed 2400 -o "$tmp/p.gcode"
expect_exit 0 "gcode z" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --page a5 --pen z --z-up 3 --feed 2400 -o "$tmp/z.nc"
py "gcode: only G0/G1 moves inside the page and the pen commands" '
import sys
for path, up, down in ((sys.argv[1], "M5", "M3 S90"), (sys.argv[2], "G0 Z3.00", "G1 Z0.00 F1000")):
    moves = downs = 0
    for line in open(path).read().splitlines():
        if not line or line.startswith(";") or line in ("G21", "G90", up): continue
        if line == down: downs += 1; continue
        w = line.split(); assert w[0] in ("G0", "G1"), line
        for v in w[1:]:
            assert v[0] in "XYF", line
            if v[0] == "X": assert 0 <= float(v[1:]) <= 148, line
            if v[0] == "Y": assert 0 <= float(v[1:]) <= 210, line
            if v[0] == "F" and w[0] == "G1": assert float(v[1:]) == 2400, line
        moves += 1
    assert moves > 100 and downs > 10, (moves, downs)
' "$tmp/p.gcode" "$tmp/z.nc"
expect_exit 0 "png" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --dpi 100 -o "$tmp/p.png"
py "png: an A4 page at 100 dpi" '
import struct, sys
b = open(sys.argv[1], "rb").read(); assert b[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", b[16:24]); assert (w, h) == (827, 1169), (w, h)
' "$tmp/p.png"
expect_exit 0 "pdf of several pages" "$hw" sample "${fix[@]}" --text-file "$tmp/letter.txt" --page a5 --x-height 4 -o "$tmp/p.pdf"
py "pdf: several pages" '
import re, sys
b = open(sys.argv[1], "rb").read(); assert b.startswith(b"%PDF-")
assert len(re.findall(rb"/Type\s*/Page[^s]", b)) > 1
' "$tmp/p.pdf"
# Writing taller than the paper (issue 22: the page shrank it, the CLI grew the paper): every
# one-page export writes it smaller to fit, with a note, as the page does; the paper keeps its size.
expect_exit 0 "gcode of a text taller than the paper" "$hw" sample "${fix[@]}" --text-file "$tmp/letter.txt" --page a5 --x-height 4 -o "$tmp/p2.gcode"
if grep -q "written smaller (x-height [0-9.]* mm) to fit the page" "$tmp/err"; then ok; else bad "gcode fit note: $(cat "$tmp/err")"; fi
expect_exit 0 "svg of a text taller than the paper" "$hw" sample "${fix[@]}" --text-file "$tmp/letter.txt" --page a5 --x-height 4 -o "$tmp/p2.svg"
if grep -q "written smaller" "$tmp/err"; then ok; else bad "svg fit note: $(cat "$tmp/err")"; fi
py "the shrunk writing stays on an A5 page: svg and gcode" '
import re, sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot(); ns = "{http://www.w3.org/2000/svg}"
assert (r.get("width"), r.get("height")) == ("148.00mm", "210.00mm"), (r.get("width"), r.get("height"))
ys = [float(v) for p in r.iter(f"{ns}path") for v in re.findall(r"-?[0-9.]+", p.get("d"))[1::2]]
assert max(ys) > 150 and max(ys) <= 210, max(ys)  # down the page, and on it
for line in open(sys.argv[2]).read().splitlines():
    for v in line.split()[1:]:
        if v[0] == "Y": assert 0 <= float(v[1:]) <= 210, line
        if v[0] == "X": assert 0 <= float(v[1:]) <= 148, line
' "$tmp/p2.svg" "$tmp/p2.gcode"
expect_exit 0 "a text that fits: no note" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" -o "$tmp/p3.svg"
if grep -q "written smaller" "$tmp/err"; then bad "a note for a text that fits"; else ok; fi
if grep -qF "<title>$(head -c 30 "$tmp/short.txt" | cut -d' ' -f1-3)" "$tmp/p3.svg"; then ok; else bad "the svg title is not the text's first words: $(grep -o '<title>.*</title>' "$tmp/p3.svg")"; fi

# The views, for a line and for a page (its first line), beside --diagnostics.
expect_exit 0 "views of a line" "$hw" sample --model "$model" --text "hello world" --views "$tmp/v.svg" --diagnostics -o "$tmp/v.json"
expect_exit 0 "views of a page" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --views "$tmp/vp.svg" -o "$tmp/vp.json"
py "views parse: heatmap, coloured strokes, density" '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
for f in sys.argv[1:]:
    r = ET.parse(f).getroot()
    assert len(r.findall(f".//{ns}rect")) > 20 and len(r.findall(f".//{ns}line")) > 10 and len(r.findall(f".//{ns}ellipse")) > 10
' "$tmp/v.svg" "$tmp/vp.svg"
if grep -qF '"diagnostics":[' "$tmp/v.json"; then ok; else bad "--diagnostics with --views lost the numbers"; fi

# Errors name the file, the line and the column.
python3 -c "print('a' * 2001)" >"$tmp/long.txt"
expect_exit 2 "over 2,000" "$hw" sample --model "$model" --text-file "$tmp/long.txt" -o "$tmp/x.json"
if grep -q "limit is 2000" "$tmp/err"; then ok; else bad "long text: $(cat "$tmp/err")"; fi
printf 'hello\nabcZ\n' >"$tmp/z.txt"
expect_exit 2 "unknown character" "$hw" sample --model "$model" --text-file "$tmp/z.txt" -o "$tmp/x.json"
if grep -qF "$tmp/z.txt:2:4: the model cannot write 'Z'" "$tmp/err"; then ok; else bad "unknown character: $(cat "$tmp/err")"; fi
expect_exit 0 "replace unknown" "$hw" sample --model "$model" --text-file "$tmp/z.txt" --replace-unknown " " -o "$tmp/x.json"
expect_exit 2 "missing file" "$hw" sample --model "$model" --text-file "$tmp/none.txt"
expect_exit 2 "both texts" "$hw" sample --model "$model" --text "a" --text-file "$tmp/z.txt"
expect_exit 2 "bad page" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --page b9 -o "$tmp/x.svg"
expect_exit 2 "bad align" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --align middle -o "$tmp/x.svg"
expect_exit 2 "bad pen" "$hw" sample "${fix[@]}" --text-file "$tmp/short.txt" --pen laser -o "$tmp/x.gcode"
if [ ! -e "$tmp/x.svg" ] && [ ! -e "$tmp/x.gcode" ]; then ok; else bad "an output was written for bad options"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
