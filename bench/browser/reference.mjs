// The plain-JavaScript contender of the page benchmark (bench/browser/bench.mjs): the .hwm file read
// in JS and the synthesis step written as Float32Array loops with Math.exp / Math.tanh, the way
// calligrapher.ai runs its network. Also the mixture from the raw output, which the TF.js contender
// shares. Nothing here is used by the page or the widget.

const ALIGN = 64;
const align = (v) => Math.ceil(v / ALIGN) * ALIGN;

function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

// The file's header and each tensor as the core's reader dequantises it (Float32Array, row-major).
export function readHwm(buffer) {
  const bytes = new Uint8Array(buffer), dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 72 || bytes[1] !== 87 || bytes[2] !== 77 || bytes[3] !== 0) throw new Error('not a .hwm file');
  const headerLength = dv.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  const blob = align(12 + headerLength);
  const tensors = {};
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1), at = blob + t.offset, out = new Float32Array(n);
    if (t.dtype === 'f32') for (let i = 0; i < n; ++i) out[i] = dv.getFloat32(at + 4 * i, true);
    else if (t.dtype === 'f16') for (let i = 0; i < n; ++i) out[i] = halfToFloat(dv.getUint16(at + 2 * i, true));
    else if (t.dtype === 'int8') {
      const rows = t.shape[0], cols = n / rows;
      for (let r = 0; r < rows; ++r) {
        const scale = dv.getFloat32(at + 4 * r, true);
        for (let c = 0; c < cols; ++c) out[r * cols + c] = Math.fround(dv.getInt8(at + 4 * rows + r * cols + c) * scale);
      }
    } else throw new Error(`tensor ${t.name}: dtype ${t.dtype}`);
    tensors[t.name] = out;
  }
  return { header, tensors };
}

// The network's sizes and variant from a synthesis header.
export function shapeOf(header) {
  const hp = header.hparams, v = header.variant || {};
  return { L: hp.layers, H: hp.hidden, K: hp.window, M: hp.mixtures, V: hp.alphabet,
    expWindow: (v.window_fn || 'exp') === 'exp', kappaScale: v.kappa_scale ?? 0.05, eosSign: v.eos_sign ?? 1 };
}

export function codesOf(header, text) {
  const alphabet = [...header.alphabet];
  return [...text].map((ch) => {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`"${ch}" is not in the model's alphabet`);
    return i;
  });
}

const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const softplus = (x) => (x > 20 ? x : Math.log1p(Math.exp(x)));

// out[r] = b[r] + W[r, :] . x over `cols` columns starting at column `from` of a row-major W.
function matvecInto(out, W, cols, x, rows, accumulate) {
  for (let r = 0; r < rows; ++r) {
    let s = 0;
    const o = r * cols;
    for (let c = 0; c < cols; ++c) s += W[o + c] * x[c];
    out[r] = accumulate ? out[r] + s : s;
  }
}

// One sample's state and step. step(x) leaves the raw output (6M + 1) in this.y.
export class PlainJsNet {
  constructor({ header, tensors }, codes) {
    const S = (this.s = shapeOf(header));
    this.t = tensors;
    this.codes = codes;
    this.h = Array.from({ length: S.L }, () => new Float32Array(S.H));
    this.c = Array.from({ length: S.L }, () => new Float32Array(S.H));
    this.kappa = new Float32Array(S.K);
    this.w = new Float32Array(S.V);
    this.phi = new Float32Array(codes.length + 1);
    this.gates = new Float32Array(4 * S.H);
    this.win = new Float32Array(3 * S.K);
    this.y = new Float32Array(6 * S.M + 1);
    this.inputs = [new Float32Array(3 + S.V), new Float32Array(3 + S.H + S.V)];
    this.hAll = new Float32Array(S.L * S.H);
  }

  layer(l, input) {
    const { H } = this.s, t = this.t, g = this.gates, b = t[`lstm${l + 1}.b`];
    matvecInto(g, t[`lstm${l + 1}.w_ih`], input.length, input, 4 * H, false);
    matvecInto(g, t[`lstm${l + 1}.w_hh`], H, this.h[l], 4 * H, true);
    const h = this.h[l], c = this.c[l];
    for (let j = 0; j < H; ++j) {
      const i = sigmoid(g[j] + b[j]), f = sigmoid(g[H + j] + b[H + j]);
      const gg = Math.tanh(g[2 * H + j] + b[2 * H + j]), o = sigmoid(g[3 * H + j] + b[3 * H + j]);
      c[j] = f * c[j] + i * gg;
      h[j] = o * Math.tanh(c[j]);
    }
  }

  window() {
    const { K, H, expWindow, kappaScale } = this.s, t = this.t, win = this.win, b = t['window.b'];
    matvecInto(win, t['window.w'], H, this.h[0], 3 * K, false);
    const fn = expWindow ? Math.exp : softplus, U = this.codes.length;
    this.w.fill(0);
    for (let k = 0; k < K; ++k) this.kappa[k] += kappaScale * fn(win[2 * K + k] + b[2 * K + k]);
    for (let u = 0; u <= U; ++u) {
      let phi = 0;
      for (let k = 0; k < K; ++k) {
        const d = this.kappa[k] - u;
        phi += fn(win[k] + b[k]) * Math.exp(-fn(win[K + k] + b[K + k]) * d * d);
      }
      this.phi[u] = phi;
      if (u < U) this.w[this.codes[u]] += phi;
    }
  }

  step(dx, dy, pen) {
    const { L, H, V } = this.s, t = this.t;
    const in1 = this.inputs[0], in2 = this.inputs[1];
    in1[0] = in2[0] = dx, in1[1] = in2[1] = dy, in1[2] = in2[2] = pen;
    in1.set(this.w, 3);
    this.layer(0, in1);
    this.window();
    for (let l = 1; l < L; ++l) {
      in2.set(this.h[l - 1], 3);
      in2.set(this.w, 3 + H);
      this.layer(l, in2);
    }
    for (let l = 0; l < L; ++l) this.hAll.set(this.h[l], l * H);
    matvecInto(this.y, t['mdn.w'], L * H, this.hAll, this.y.length, false);
    const b = t['mdn.b'];
    for (let r = 0; r < this.y.length; ++r) this.y[r] += b[r];
    void V;
  }
}

// The mixture from a raw output y, as the core's mixture_from_output, in the layout of the
// binding's Stepper.mixture(): [eos, pi (M), mu1, mu2, sigma1, sigma2, rho].
export function mixtureOf(y, M, eosSign, bias = 0) {
  const out = new Float32Array(1 + 6 * M);
  out[0] = sigmoid(eosSign * y[0]);
  let mx = -Infinity, sum = 0;
  for (let k = 0; k < M; ++k) mx = Math.max(mx, y[1 + k] * (1 + bias));
  for (let k = 0; k < M; ++k) sum += (out[1 + k] = Math.exp(y[1 + k] * (1 + bias) - mx));
  for (let k = 0; k < M; ++k) {
    out[1 + k] /= sum;
    out[1 + M + k] = y[1 + M + k];
    out[1 + 2 * M + k] = y[1 + 2 * M + k];
    out[1 + 3 * M + k] = Math.exp(y[1 + 3 * M + k] - bias);
    out[1 + 4 * M + k] = Math.exp(y[1 + 4 * M + k] - bias);
    out[1 + 5 * M + k] = Math.tanh(y[1 + 5 * M + k]);
  }
  return out;
}
