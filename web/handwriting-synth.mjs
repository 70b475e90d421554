// <handwriting-synth text="…" bias="…" hand="…" seed="…" speed="…">: a neural network writes the
// text by hand when the element scrolls into view. One <script type="module"> tag loads it; the
// model (models/default.hwm beside this file, or the `model` attribute) is fetched only when the
// first element becomes visible, and every element on the page shares one worker and one model.
// Attributes: text (or the element's text content; up to 2,000 characters, word-wrapped to the
// element's width, in one hand: lib/long_text.mjs), align (left, centre, justify), line-spacing, bias (legibility, default 0.75), hand (a style of the model's .styles.json,
// by name or font, or "random": the text's first line is the hand of the rest; an unknown one is
// reported and writes in a random hand), seed
// (default 1), speed (multiple of real time, or "instant"), color (default: the surrounding text
// colour), stroke-width (CSS px), model (URL of a .hwm; only on the page's origin unless the
// element also has allow-cross-origin), hand-ink (URL of an ink file, .jsonl as docs/INK.md: its
// first record primes the network, as a hand written on the page does; same origin rules as
// model; it wins over hand).
// Events: `written` ({lines, points}) when the ink is drawn; `error` (detail: the message) when
// loading or writing fails, which ends in data-state="error" and never fires `written`.
import { loadModel, generate, loadStyles, findStyle, modelUrl } from './lib/engine.mjs';
import { parseInkJsonl } from './lib/ink_jsonl.mjs';
import { describeMarks, MAX_LINE_CHARS } from './lib/text.mjs';
import { PageInkView, preparePage, writePage, pageWidth } from './lib/long_text.mjs';

const DEFAULT_MODEL = new URL('models/default.hwm', import.meta.url).href;

const STYLE = `
:host { display: block; position: relative; min-height: 3em; contain: content; }
:host([hidden]) { display: none; }
canvas { display: block; width: 100%; height: 72px; }
.msg { margin: 0; font: 0.85em/1.4 system-ui, sans-serif; color: #9b1c1c; }
.bar { position: absolute; left: 0; bottom: 0; height: 2px; width: 0; background: currentColor; opacity: .35; transition: width .2s; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

// The first record of an ink file as a style ({text, strokes}), fetched once per URL; rejects
// with a message naming the file.
const inkFiles = new Map();
function loadHandInk(url, options) {
  let key;
  try {
    key = modelUrl(url, options);
  } catch (e) {
    return Promise.reject(e);
  }
  if (!inkFiles.has(key)) {
    const name = key.split('/').pop() || key;
    inkFiles.set(key, fetch(key, { mode: options.allowCrossOrigin ? 'cors' : 'same-origin' })
      .then((r) => {
        if (!r.ok) throw new Error(`could not fetch ${key} (${r.status})`);
        return r.text();
      })
      .then(async (text) => {
        const { records, errors } = await parseInkJsonl(text, name);
        if (!records.length) throw new Error(errors[0] || `${name}: no ink record in the file`);
        return { text: records[0].text, strokes: records[0].strokes };
      }));
    inkFiles.get(key).catch(() => inkFiles.delete(key));  // a later write may try again
  }
  return inkFiles.get(key);
}

function reducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

class HandwritingSynth extends HTMLElement {
  static get observedAttributes() {
    return ['text', 'align', 'line-spacing', 'bias', 'hand', 'hand-ink', 'seed', 'speed', 'color', 'stroke-width', 'model', 'allow-cross-origin'];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style><canvas part="canvas" role="img"></canvas><p class="msg" role="status" hidden></p><div class="bar" part="progress"></div>`;
    this.canvas = root.querySelector('canvas');
    this.msg = root.querySelector('.msg');
    this.bar = root.querySelector('.bar');
    this.view = new PageInkView(this.canvas, { maxLineChars: MAX_LINE_CHARS });
    this.view.minHeight = 48;
    this.visible = false;
    this.job = null;
    this.writes = 0;  // counts requests: one that finishes loading after a newer one is dropped
  }

  connectedCallback() {
    this.label();
    if (this.observer) return;
    this.observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.observer.disconnect();
      this.visible = true;
      this.write();
    }, { rootMargin: '0px 0px -10% 0px' });
    this.observer.observe(this);
  }

  disconnectedCallback() {
    this.observer?.disconnect();
    this.observer = null;
    this.job?.cancel();
    this.job = null;
    ++this.writes;
  }

  attributeChangedCallback() {
    this.label();
    if (!this.visible || this.queued) return;
    this.queued = true;  // several attributes set together: write once
    queueMicrotask(() => {
      this.queued = false;
      this.write();
    });
  }

  label() {
    this.canvas.setAttribute('aria-label', this.text() || 'handwriting');
  }

  // The text to write: the text attribute, or the element's own text content.
  text() {
    return this.getAttribute('text') ?? this.textContent.trim();
  }

  status(message) {
    this.msg.hidden = !message;
    this.msg.textContent = message || '';
  }

  // Loads the model and its styles (once per page), has the core prepare the text, then writes.
  async write() {
    this.job?.cancel();
    this.job = null;
    const asked = ++this.writes;
    let url = DEFAULT_MODEL, info, styles, plan, handInk = null, handInkError = '';
    try {
      if (this.getAttribute('model')) url = new URL(this.getAttribute('model'), document.baseURI).href;
      this.bar.style.width = '5%';
      // The widget's own default model is beside its module; any other needs the page's opt-in.
      const origin = { allowCrossOrigin: url === DEFAULT_MODEL || this.hasAttribute('allow-cross-origin') };
      [info, styles] = await Promise.all([
        loadModel(url, (loaded, total) => total && (this.bar.style.width = `${(50 * loaded) / total}%`), origin),
        loadStyles(url.replace(/\.hwm$/i, '.styles.json'), origin),
      ]);
      if (this.getAttribute('hand-ink')) {
        const inkOrigin = { allowCrossOrigin: this.hasAttribute('allow-cross-origin') };
        handInk = await loadHandInk(this.getAttribute('hand-ink'), inkOrigin).catch((e) => {
          handInkError = `hand-ink: ${e.message}; writing in a random hand.`;
          return null;
        });
      }
      const width = pageWidth(this.canvas, info.lineHeight);
      plan = info.kind === 'synthesis' ? { ...(await preparePage(url, this.text())), width }
        : { text: '', marks: [], error: '', width };  // a network that writes without text
    } catch (e) {
      if (asked === this.writes) this.fail(`Handwriting unavailable: ${e.message}`, e.message);
      return;
    }
    if (asked === this.writes) this.start(url, info, styles, plan, handInk, handInkError);
  }

  // Every failure ends here: the `error` state and one `error` event (detail: the message), never
  // `done` or `written`, whatever frames of the ink drawn so far are still to come.
  seed() {
    const s = parseFloat(this.getAttribute('seed'));
    return (Number.isFinite(s) ? s : 1) >>> 0;
  }

  fail(shown, message) {
    this.view.onDrawn = null;
    this.bar.style.width = '0';
    this.status(shown);
    this.dataset.state = 'error';
    this.dispatchEvent(new CustomEvent('error', { detail: message }));
  }

  start(url, info, styles, plan, handInk = null, handInkError = '') {
    if (plan.error) {
      this.status(plan.error);
      this.dataset.state = 'refused';
      return;
    }
    const found = handInk || handInkError ? { style: handInk, error: handInkError } : findStyle(styles, this.getAttribute('hand'));
    const { error: handError, style } = found;  // no hand: the text's first line is the hand of the rest
    this.status([describeMarks(plan.marks), handError].filter(Boolean).join(' '));
    const number = (name, fallback) => (Number.isFinite(parseFloat(this.getAttribute(name))) ? parseFloat(this.getAttribute(name)) : fallback);
    const speed = this.getAttribute('speed');
    this.view.setModel({ lineHeight: info.lineHeight, pointsPerSecond: info.pointsPerSecond, maxLineChars: MAX_LINE_CHARS });
    this.view.setStyle({ color: this.getAttribute('color') || getComputedStyle(this).color || info.constants.ink, width: number('stroke-width', 2) });
    const instant = reducedMotion() || speed === 'instant';
    this.view.setSpeed(instant ? Infinity : number('speed', 1) > 0 ? number('speed', 1) : 1);
    this.dataset.pen = instant ? 'instant' : 'animated';  // how it draws, for styling and tests
    const spacing = number('line-spacing', 1) > 0 ? number('line-spacing', 1) : 1;
    const writesText = info.kind === 'synthesis';
    this.view.setPage({ width: plan.width, spacing: info.constants.lineSpacing * spacing });
    this.view.reset(writesText ? 0 : 1);  // a page's rows come with its plan
    this.dataset.state = 'writing';
    this.job?.cancel();  // one generation per element: write() drops stale requests, and this holds anyway
    let done = 0, count = 1;
    const bias = number('bias', 0.75);
    const request = { text: plan.text, bias, style, seed: this.seed(), width: plan.width, spacing, align: this.getAttribute('align') || 'left' };
    const run = (callbacks) => (writesText ? writePage(url, request, this.view, callbacks)
      : generate(url, { lines: [{ text: '', seed: this.seed() >>> 0 }], bias, style, attention: false }, callbacks));  // writes without text
    const job = run({
      onPlan: (lines) => { count = lines.length; },
      onPoints: (d) => {
        this.view.addPoints(d.line, d.positions, null, d.curves);
        this.bar.style.width = `${50 + (50 * (done + d.steps / Math.max(1, d.maxSteps))) / count}%`;
      },
      onLineEnd: (d) => {
        if (d.curves) this.view.addCurves(d.line, d.curves);
        ++done;
      },
      onDone: () => this.view.end(),
      onError: (message) => {
        if (this.job !== job) return;
        this.job = null;  // the pen stops here: onDrawn below sees no job and stays quiet
        this.fail(`Handwriting failed: ${message}`, message);
        this.view.end();  // draws what came before the failure
      },
    });
    this.job = job;
    this.view.onDrawn = () => {
      if (this.job !== job) return;  // failed, cancelled or replaced: only its own job ends in done
      this.job = null;
      this.bar.style.width = '0';
      this.dataset.state = 'done';
      this.dispatchEvent(new CustomEvent('written', { detail: { lines: this.view.lines.length, points: this.view.total() } }));
    };
  }
}

if (!customElements.get('handwriting-synth')) customElements.define('handwriting-synth', HandwritingSynth);
export { HandwritingSynth };
