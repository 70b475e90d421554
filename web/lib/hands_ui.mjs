// The page's controls for the visitor's own hands: the "Write in your hand" dialog (a prompt, the
// recorder, undo / clear / done), import and export of ink files, rename and delete. The hands
// themselves live in OwnHands (own_styles.mjs); the page is told through onChange which Style
// menu value to select.
import { InkRecorder } from './recorder.mjs';
import { OWN_PREFIX } from './own_styles.mjs';
import { promptAt } from './prompts.mjs';
import { saveBlob } from './export.mjs';

export function downloadText(text, name, type = 'application/jsonl') {
  saveBlob(new Blob([text], { type }), name);
}

const fileName = (name) => `${name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'hand'}.jsonl`;

// el: {record, handImport, handFile, handTools, handName, handExport, handDelete, dialog, prompt,
// recText, recCanvas, recUndo, recClear, recNext, recCancel, recDone}
// opts: {hands (OwnHands), selected () -> the Style menu's value, onChange (value to select),
// message (text, isError), alphabet () -> the model's alphabet or ''}
export function setupHands(el, { hands, selected, onChange, message, alphabet }) {
  const recorder = new InkRecorder(el.recCanvas);
  let promptIndex = Math.floor(Math.random() * 1000);
  const refreshDone = () => (el.recDone.disabled = recorder.isEmpty() || !el.recText.value.trim());
  recorder.onChange = refreshDone;
  el.recText.addEventListener('input', refreshDone);

  const newPrompt = () => {
    const p = promptAt(promptIndex++, alphabet());
    el.prompt.textContent = p;
    el.recText.value = p;
    recorder.clear();
  };
  el.record.addEventListener('click', () => {
    newPrompt();
    el.dialog.showModal();
    recorder.redraw();
  });
  el.recNext.addEventListener('click', newPrompt);
  el.recUndo.addEventListener('click', () => recorder.undo());
  el.recClear.addEventListener('click', () => recorder.clear());
  el.recCancel.addEventListener('click', () => el.dialog.close());
  el.recDone.addEventListener('click', async () => {
    try {
      const hand = await hands.add({ text: el.recText.value.trim(), strokes: recorder.ink() });
      el.dialog.close();
      onChange(OWN_PREFIX + hand.id);
      message(`Saved “${hand.name}” in this browser: the network now writes in your hand.`);
    } catch (e) {
      message(`Your writing could not be kept: ${e.message}`, true);
    }
  });

  el.handImport.addEventListener('click', () => el.handFile.click());
  el.handFile.addEventListener('change', async () => {
    const file = el.handFile.files[0];
    el.handFile.value = '';
    if (file) await importFile(file);
  });
  async function importFile(file) {
    try {
      const { added, errors } = await hands.importJsonl(await file.text(), file.name);
      if (added.length) onChange(OWN_PREFIX + added[0].id);
      message(added.length ? `Imported ${added.length} hand${added.length > 1 ? 's' : ''} from ${file.name}.` : '');
      if (errors.length) {
        const list = `${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`;
        message(`${added.length ? 'Some records were skipped' : 'No hand could be imported'}: ${list}`, true);
      }
    } catch (e) {
      message(`${file.name} could not be imported: ${e.message}`, true);
    }
  }

  const current = () => (selected().startsWith(OWN_PREFIX) ? hands.get(selected().slice(OWN_PREFIX.length)) : null);
  el.handName.addEventListener('change', () => {
    const h = current();
    if (!h) return;
    try {
      if (hands.rename(h.id, el.handName.value)) onChange(OWN_PREFIX + h.id);
      else el.handName.value = h.name;
    } catch (e) {
      message(e.message, true);
    }
  });
  el.handExport.addEventListener('click', () => {
    const h = current();
    if (h) downloadText(hands.exportJsonl([h.id]), fileName(h.name));
  });
  el.handDelete.addEventListener('click', () => {
    const h = current();
    if (!h) return;
    try {
      hands.remove(h.id);
      onChange('random');
      message(`Deleted “${h.name}”.`);
    } catch (e) {
      message(e.message, true);
    }
  });

  // Shows the tools when an own hand is selected.
  return {
    importFile,
    sync() {
      const h = current();
      el.handTools.hidden = !h;
      if (h && document.activeElement !== el.handName) el.handName.value = h.name;
    },
  };
}
