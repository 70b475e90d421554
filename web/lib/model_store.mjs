// Models in the WASM core, kept so that a bad file never poisons the rest (used by worker.mjs and
// the node tests). The reader refuses bad files with a message; but a call that throws out of the
// module instead (a WASM abort, a stack overflow, "memory access out of bounds") leaves that
// module's stack pointer and heap in no known state, and later loads into it fail. So a module
// that threw is retired: new loads get a fresh module, and the models of the retired one are
// forgotten (the caller reloads them) when they fail too.

// An error that the core reported as a message (the module is fine after it).
export class CoreError extends Error {}

export class ModelStore {
  // createModule: () => Promise<the WASM module>, a fresh instance per call
  constructor(createModule) {
    this.createModule = createModule;
    this.current = null;       // Promise<module> that new loads go into
    this.retired = new WeakSet();
  }

  async module() {
    for (;;) {
      this.current ??= this.createModule();
      const promise = this.current;
      let hw;
      try {
        hw = await promise;
      } catch (e) {
        if (this.current === promise) this.current = null;  // a module that could not start: try again next time
        throw e;
      }
      if (!this.retired.has(hw)) return hw;
      if (this.current === promise) this.current = null;
    }
  }

  // The module threw out of a call: nothing new goes into it (its models are the caller's to drop).
  retire(hw) {
    this.retired.add(hw);
  }

  isRetired(hw) {
    return this.retired.has(hw);
  }

  // Loads model bytes; resolves with {hw, model}; rejects with a CoreError (the reader's message),
  // or, when the module itself failed, with an Error saying so after retiring that module.
  async load(bytes) {
    const hw = await this.module();
    let model = null;
    try {
      model = new hw.Model();
      const err = model.load(bytes);
      if (err) {
        model.delete();
        throw new CoreError(err);
      }
      return { hw, model };
    } catch (e) {
      if (e instanceof CoreError) throw e;
      this.retire(hw);
      throw new Error(`the engine failed on this file (${e?.message || e}) and was restarted for the next model`);
    }
  }
}
