// The TF.js contender of the page benchmark: the same synthesis step as tensors on TF.js's wasm
// backend (SIMD, one thread: the page is not cross-origin isolated), for a batch of B samples
// ([B, ...] tensors, one matMul per layer). Each step reads the raw output back (a sampler needs
// it), as a page that writes with TF.js must. `tf` is the global of tf-core's UMD bundle.
import { shapeOf } from './reference.mjs';

export class TfjsNet {
  constructor(tf, { header, tensors }, codes, batch = 1) {
    const S = (this.s = shapeOf(header));
    this.tf = tf;
    this.B = batch;
    const t2 = (name, rows, cols) => tf.tensor2d(tensors[name], [rows, cols]);
    this.layers = [];
    for (let l = 1; l <= S.L; ++l) {
      const I = l === 1 ? 3 + S.V : 3 + S.H + S.V;
      // [I + H, 4H]: W_ih and W_hh stacked, so that one matMul of [input, h] gives the gates.
      const w = tf.tidy(() => tf.transpose(tf.concat([t2(`lstm${l}.w_ih`, 4 * S.H, I), t2(`lstm${l}.w_hh`, 4 * S.H, S.H)], 1)));
      this.layers.push({ w, b: tf.tensor1d(tensors[`lstm${l}.b`]) });
    }
    this.winW = tf.tidy(() => tf.transpose(t2('window.w', 3 * S.K, S.H)));
    this.winB = tf.tensor1d(tensors['window.b']);
    this.mdnW = tf.tidy(() => tf.transpose(t2('mdn.w', 6 * S.M + 1, S.L * S.H)));
    this.mdnB = tf.tensor1d(tensors['mdn.b']);
    const U = codes.length;
    this.u = tf.reshape(tf.range(0, U + 1), [1, 1, U + 1]);
    const onehot = new Float32Array(U * S.V);
    codes.forEach((c, i) => { onehot[i * S.V + c] = 1; });
    this.onehot = tf.tensor2d(onehot, [U, S.V]);
    this.U = U;
    this.reset();
  }

  reset() {
    const { tf, s, B } = this;
    this.state?.forEach((t) => t.dispose());
    const z = (n) => tf.zeros([B, n]);
    this.h = Array.from({ length: s.L }, () => z(s.H));
    this.c = Array.from({ length: s.L }, () => z(s.H));
    this.kappa = z(s.K);
    this.w = z(s.V);
    this.state = [...this.h, ...this.c, this.kappa, this.w];
  }

  cell(l, input) {
    const { tf } = this, H = this.s.H;
    const gates = tf.fused.matMul({ a: tf.concat([input, this.h[l]], 1), b: this.layers[l].w, bias: this.layers[l].b });
    const [i, f, g, o] = tf.split(gates, 4, 1);
    const c = tf.add(tf.mul(tf.sigmoid(f), this.c[l]), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    void H;
    return [tf.mul(tf.sigmoid(o), tf.tanh(c)), c];
  }

  window(h1) {
    const { tf, s } = this;
    const fn = s.expWindow ? tf.exp : tf.softplus;
    const win = fn(tf.fused.matMul({ a: h1, b: this.winW, bias: this.winB }));
    const [alpha, beta, kstep] = tf.split(win, 3, 1);
    const kappa = tf.add(this.kappa, tf.mul(kstep, s.kappaScale));
    const d = tf.sub(tf.expandDims(kappa, 2), this.u);  // [B, K, U + 1]
    const phi = tf.sum(tf.mul(tf.expandDims(alpha, 2), tf.exp(tf.mul(tf.neg(tf.expandDims(beta, 2)), tf.square(d)))), 1);
    return [tf.matMul(tf.slice(phi, [0, 0], [this.B, this.U]), this.onehot), kappa];
  }

  // x: Float32Array of B points (dx, dy, pen); returns the raw outputs [B * (6M + 1)].
  step(x) {
    const { tf, s } = this;
    const next = tf.tidy(() => {
      const xt = tf.tensor2d(x, [this.B, 3]);
      const h = [], c = [];
      [h[0], c[0]] = this.cell(0, tf.concat([xt, this.w], 1));
      const [w, kappa] = this.window(h[0]);
      for (let l = 1; l < s.L; ++l) [h[l], c[l]] = this.cell(l, tf.concat([xt, h[l - 1], w], 1));
      const y = tf.fused.matMul({ a: tf.concat(h, 1), b: this.mdnW, bias: this.mdnB });
      return { h, c, w, kappa, y };
    });
    this.state.forEach((t) => t.dispose());
    Object.assign(this, { h: next.h, c: next.c, w: next.w, kappa: next.kappa });
    this.state = [...next.h, ...next.c, next.kappa, next.w];
    const y = next.y.dataSync();
    next.y.dispose();
    return y;
  }
}
