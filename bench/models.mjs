// The default model in the three stored precisions for the benchmarks: the shipped file (f16) and
// f32 and int8 copies written by the native `hw convert` into $BUILD/bench/ (build/ by default, a
// folder inside the repository: the page benchmark's server serves the repository). Paths are
// relative to the repository root.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_MODEL = 'web/models/default.hwm';

export function defaultModelFiles(root) {
  const build = process.env.BUILD || 'build';
  const hw = path.join(root, build, 'bin/hw');
  if (!existsSync(hw)) throw new Error(`missing ${build}/bin/hw (make build)`);
  mkdirSync(path.join(root, build, 'bench'), { recursive: true });
  const out = { f32: `${build}/bench/default-f32.hwm`, f16: DEFAULT_MODEL, int8: `${build}/bench/default-int8.hwm` };
  for (const p of ['f32', 'int8']) execFileSync(hw, ['convert', path.join(root, DEFAULT_MODEL), path.join(root, out[p]), '--precision', p], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}
