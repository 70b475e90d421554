// Prompt lines for writing samples (the recorder's "Write in your hand" and the collect page):
// short everyday sentences, then a plan that covers every character of a model's alphabet
// several times, digits and punctuation included.

// Sentences of 20-40 characters; together they hold every lowercase letter many times, every
// capital, the digits and the usual punctuation.
export const SENTENCES = [
  'a quick brown fox jumps over the dog',
  'six jugs of milk were packed in a van',
  'We met at 9:45 on Friday, June 12.',
  'Quiet rivers flow past old mills.',
  'Jack quietly seized the big ball.',
  'How vexing: a jumpy zebra quit!',
  'Buy 3 apples, 7 pears and 10 plums.',
  'Is it really 28 degrees in Oslo today?',
  'Xavier keeps his maps in a yellow box.',
  'Kim said, "Bring the red kite."',
  'Gloria found 64 shells (all white).',
  'Vera owns a quaint farm near York.',
  'Zoe waved; the bus was 15 minutes late.',
  'Hazel jogs by the quay at dawn.',
  'Ned fixed the old clock with a pin.',
  'Paul asked: "Why not try again?"',
  'Ursula bought 2 kg of wheat for $9.',
  'Olive oil, salt & pepper - that is all.',
  'Dear Tom, thanks for the lovely card!',
  'Lena and I will visit Quebec in May.',
  'Yes, the 4th of April suits me well.',
  'Mix 250 g flour with 3 eggs, then bake.',
  'Rain fell all night over the hills.',
  'Ivan keeps bees; he sells jars of honey.',
  'Call me at 0161 496 0832 after six.',
  'The train to Zurich leaves at 7:30.',
  'Fiona wrote a long letter to Eve.',
  'My lazy dog just ate five pizzas.',
  'Bright vixens jump; dozy fowl quack.',
  'Sixty zippers were quickly picked.',
  'Walter painted the gate green in 1998.',
  'Emma\'s cat sleeps on the warm sofa.',
  'Quick, hide the jam before Max sees it!',
  'Room 101 is on the second floor.',
  'Grace jotted notes in her blue diary.',
  'Owls hoot; foxes bark at the moon.',
  'Keep calm and carry on writing.',
  'Did Victor finish the puzzle? Not yet.',
  'Nora\'s garden has 17 kinds of roses.',
  'Just five quiet minutes, please.',
];

const DIGITS = '0123456789';
const PUNCTUATION = '.,;:!?\'"()-';

// Counts of each character of `want` in `lines`.
function counts(lines, want) {
  const n = new Map([...want].map((c) => [c, 0]));
  for (const line of lines) for (const c of line) if (n.has(c)) n.set(c, n.get(c) + 1);
  return n;
}

// Sentences with the Western European letters, for the plan that covers them (not the English one).
export const ACCENTED_SENTENCES = [
  'Ça va très bien, merci à vous.', 'Der Bär schläft im großen Wald.', '¿Dónde está el niño pequeño?',
  'Il caffè è già pronto, più tardi.', 'A mãe põe o pão na mesa.', "L'œuvre de Noël plaît à Zoë.",
  'Die Füße sind naß, die Größe stimmt.', '¡Qué día más bonito en España!', 'Le prix : 12 € « très bon ».',
  'Ærø et Cæsar, déjà vu au café.', 'São João, irmã e coração.', 'Über Öl und Ärger reden wir später.',
  'ÉCOLE, ÎLE, HÔTEL, FORÊT, ÇA.', 'Ñandú y pingüino en el zoológico.', 'Où est la clé ? Là-bas, sûrement.',
];

// A line made of the characters still short of `times`, as short "words", for what the
// sentences do not cover (rare capitals or symbols of a model's alphabet).
function fillerLines(short, maxChars) {
  const lines = [];
  let line = '';
  short.forEach((c, i) => {
    // A capital starts a name-like word (Ben, Kit, ...); other characters sit between letters.
    const word = /\p{Lu}/u.test(c) ? `${c}${'aeiou'[i % 5]}${'nlt'[i % 3]}` : /\p{L}/u.test(c) ? `${c}a${c}` : `a${c}b`;
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  });
  if (line) lines.push(line);
  return lines;
}

// The characters prompts should cover for a model: its alphabet (without space), or when none is
// known letters, digits and punctuation. `english` keeps the ASCII ones: a person who writes
// English is not asked to write every accented letter of a model three times.
export function targetCharacters(alphabet, { english = false } = {}) {
  const base = alphabet ? [...alphabet] : [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', ...DIGITS, ...PUNCTUATION];
  return [...new Set(base)].filter((c) => c.trim() !== '' && (!english || c.codePointAt(0) < 128)).join('');
}

// Picks `n` prompt lines (at least as many as coverage needs): sentences chosen greedily so that
// every character of `alphabet` that the sentences can write appears `times` times, then filler
// lines for the rest, then the remaining sentences in order up to `n`. Sentences with characters
// outside the alphabet (with `english`: outside its ASCII part) are left out. Deterministic.
export function planPrompts(alphabet, { n = 40, times = 3, maxChars = 40, english = false } = {}) {
  const want = targetCharacters(alphabet, { english });
  const allowed = new Set([...(english ? want : alphabet || want), ' ']);
  const pool = [...SENTENCES, ...(english ? [] : ACCENTED_SENTENCES)]
    .filter((s) => [...s].length <= maxChars && [...s].every((c) => allowed.has(c)));
  const chosen = [];
  const gain = (s, have) => [...new Set(s)].reduce((g, c) => g + (have.has(c) ? Math.max(0, times - have.get(c)) : 0), 0);
  for (;;) {
    const have = counts(chosen, want);
    let best = null, bestGain = 0;
    for (const s of pool) {
      if (chosen.includes(s)) continue;
      const g = gain(s, have);
      if (g > bestGain) [best, bestGain] = [s, g];
    }
    if (!best) break;
    chosen.push(best);
  }
  const have = counts(chosen, want);
  const short = [...want].filter((c) => have.get(c) < times).flatMap((c) => Array(times - have.get(c)).fill(c));
  chosen.push(...fillerLines(short, maxChars));
  for (const s of pool) if (chosen.length < n && !chosen.includes(s)) chosen.push(s);
  return chosen;
}

// One prompt for the recorder: a sentence by index (wraps around).
export function promptAt(i, alphabet = '') {
  const allowed = alphabet ? new Set([...alphabet, ' ']) : null;
  const pool = SENTENCES.filter((s) => !allowed || [...s].every((c) => allowed.has(c)));
  const list = pool.length ? pool : SENTENCES;
  return list[((i % list.length) + list.length) % list.length];
}
