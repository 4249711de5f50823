// @ts-check
// The studio page: wires the image, the brushes and their paths, the parameters, the job and the jobs list together.

import { Api, ApiError } from './api.js';
import { BRUSHES, STATIC, Masks, swatch } from './brushes.js';
import { readImage, acceptImages } from './image.js';
import { JobView } from './job.js';
import { JobsList } from './jobs.js';
import { Parameters } from './parameters.js';
import { Paths, renderPointList } from './paths.js';
import { Stage } from './stage.js';

/** @template {HTMLElement} T @param {string} id @returns {T} */
const $ = id => /** @type {T} */ (document.getElementById(id));

const api = new Api(new URL('.', document.baseURI), askForKey);
const stage = new Stage($('stage'), BRUSHES.length);
const job = new JobView($('job'), api, () => jobs.refresh());
const jobs = new JobsList($('jobs'), api, id => job.follow(id));
const parameters = new Parameters($('model'), $('model-fields'), modelChanged);

/** @type {import('./image.js').SourceImage | null} */
let image = null;
/** @type {Masks | null} */
let masks = null;
/** @type {Paths | null} */
let paths = null;
/** @type {{ undo: () => void }[]} What can be taken back, last first. */
let history = [];
let brush = STATIC;
/** @type {'paint' | 'erase' | 'path'} */
let tool = 'paint';
/** The Idempotency-Key of a submission that got no answer: a retry sends it again, so it is never paid twice. */
let pendingKey = '';

// --- The image -------------------------------------------------------------------------------------------------

acceptImages($('image-file'), $('drop-zone'), async file => {
  const { image: read, errors } = await readImage(file);
  const error = $('image-error');
  error.textContent = errors.join(' ');
  error.hidden = errors.length === 0;
  if (read) show(read);
});

/** @param {import('./image.js').SourceImage} read */
function show(read) {
  image = read;
  stage.show(read.bitmap, read.width, read.height);
  $('stage').hidden = false;
  masks = new Masks(stage.masks, read.width, read.height, 8 * stage.scale);
  paths = new Paths(BRUSHES.length - 1, read.width, read.height);
  history = [];
  const size = /** @type {HTMLInputElement} */ ($('brush-size'));
  size.max = String(Math.max(8, Math.round(Math.max(read.width, read.height) / 4)));
  size.value = String(Math.max(4, Math.round(Math.max(read.width, read.height) / 30)));
  showSize();
  $('image-info').textContent = `${read.file.name}: ${read.width}×${read.height} ${read.format}, ${Math.ceil(read.file.size / 1024)} KB. `
    + `Masks are made at ${read.width}×${read.height}, paths in its pixels.`;
  changed();
}

// --- Brushes, tools and paths ------------------------------------------------------------------------------------

$('brushes').append(...BRUSHES.map((b, i) => {
  const label = document.createElement('label');
  const radio = document.createElement('input');
  radio.type = 'radio';
  radio.name = 'brush';
  radio.value = String(i);
  radio.checked = i === brush;
  radio.addEventListener('change', () => {
    brush = i;
    changed();
  });
  label.append(radio, swatch(b), ` ${b.name}: ${b.description}`);
  return label;
}));

for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="tool"]'))) {
  radio.addEventListener('change', () => {
    tool = /** @type {typeof tool} */ (radio.value);
    changed();
  });
}

const sizeInput = /** @type {HTMLInputElement} */ ($('brush-size'));
const showSize = () => { $('brush-size-value').textContent = `${sizeInput.value} px`; };
sizeInput.addEventListener('input', showSize);

stage.listen($('stage'));
stage.tool = () => {
  if (!masks || !paths) return null;
  if (tool !== 'path') return strokeGesture(masks);
  return brush === STATIC ? null : pathGesture(paths, brush);
};

/** @param {Masks} on @returns {import('./stage.js').Gesture} */
function strokeGesture(on) {
  /** @type {import('./brushes.js').Stroke | null} */
  let stroke = null;
  const size = Number(/** @type {HTMLInputElement} */ ($('brush-size')).value);
  return {
    start: point => { stroke = on.begin(brush, tool === 'erase' ? 'erase' : 'paint', size, point); },
    move: point => { if (stroke) on.extend(stroke, point); },
    end: () => {
      const done = stroke;
      if (done) remember(() => on.remove(done));
    },
  };
}

/**
 * A press on one of the path's points drags it; elsewhere it adds a point, and a drag adds one every few pixels.
 * @param {Paths} on @param {number} n The motion brush. @returns {import('./stage.js').Gesture}
 */
function pathGesture(on, n) {
  const before = on.get(n);
  const spacing = 16 * stage.scale;
  let dragged = -1;
  let last = { x: 0, y: 0 };
  return {
    start: point => {
      dragged = on.hit(n, point, 10 * stage.scale);
      if (dragged < 0) on.set(n, [...on.get(n), point]);
      last = point;
      drawPaths();
    },
    move: point => {
      if (dragged >= 0) {
        on.set(n, on.get(n).map((p, i) => (i === dragged ? point : p)));
      } else if (Math.hypot(point.x - last.x, point.y - last.y) >= spacing) {
        on.set(n, [...on.get(n), point]);
        last = point;
      }
      drawPaths();
    },
    end: () => remember(() => on.set(n, before)),
  };
}

/** @param {() => void} undo */
function remember(undo) {
  history.push({ undo });
  changed();
}

$('undo').addEventListener('click', () => {
  history.pop()?.undo();
  changed();
});

$('clear-brush').addEventListener('click', () => {
  if (!masks) return;
  const on = masks;
  const stroke = on.clear(brush);
  remember(() => on.remove(stroke));
});

$('clear-path').addEventListener('click', () => setPath([]));

$('add-point').addEventListener('click', () => {
  if (paths && brush !== STATIC) setPath([...paths.get(brush), stage.spot]);
});

/** Changes the active path from its list of points (undoable). @param {{x: number, y: number}[]} points */
function setPath(points) {
  if (!paths || brush === STATIC) return;
  const on = paths;
  const n = brush;
  const before = on.get(n);
  on.set(n, points);
  remember(() => on.set(n, before));
}

function drawPaths() {
  if (paths) paths.draw(/** @type {CanvasRenderingContext2D} */ (stage.paths.getContext('2d')), brush, stage.scale);
}

/** Redraws what depends on the brushes and paths, and says in words what is painted (not by colour alone). */
function changed() {
  pendingKey = '';
  drawPaths();
  const ready = Boolean(image) && (parameters.takes('static_mask') || parameters.takes('dynamic_masks'));
  /** @type {HTMLFieldSetElement} */ ($('brush-tools')).disabled = !ready;
  /** @type {HTMLButtonElement} */ ($('undo')).disabled = history.length === 0;
  const motion = brush !== STATIC;
  $('trajectory').hidden = !motion || !paths;
  $('stage').dataset.tool = tool;
  if (motion && paths) {
    $('trajectory-title').textContent = `Path of ${BRUSHES[brush].name} (where its area moves, in image pixels)`;
    renderPointList(/** @type {HTMLOListElement} */ ($('points')), paths.get(brush), { width: stage.width, height: stage.height }, setPath);
  }
  $('brush-summary').textContent = masks && paths
    ? BRUSHES.map((b, i) => `${b.name}: ${masks?.painted(i) ? 'painted' : 'nothing painted'}${i === STATIC ? '' : `, path of ${paths?.get(i).length} points`}`).join('; ')
    : '';
}

// --- Parameters and the submission --------------------------------------------------------------------------------

/** @param {import('./parameters.js').Model} model */
function modelChanged(model) {
  $('brush-note').textContent = parameters.takes('static_mask') || parameters.takes('dynamic_masks') ? '' : `${model.name} takes no motion brush.`;
  $('image-required').textContent = model.imageRequired ? '(required)' : '(optional for this model: without one it makes the video from the prompt)';
  changed();
}

$('parameters').addEventListener('input', () => { pendingKey = ''; });

$('parameters').addEventListener('submit', async event => {
  event.preventDefault();
  const button = /** @type {HTMLButtonElement} */ ($('submit'));
  if (button.disabled) return;
  const problems = $('submit-error');
  problems.hidden = true;
  button.disabled = true;
  try {
    const form = await requestForm();
    pendingKey ||= newKey();
    const view = await api.start(form, pendingKey);
    pendingKey = '';
    job.follow(view.id, view);
    jobs.refresh();
    $('job').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (error) {
    if (error instanceof ApiError) pendingKey = '';
    problems.textContent = error instanceof ApiError ? error.messages.join(' ')
      : error instanceof TypeError ? `The API could not be reached (${error.message}). Submit again to retry: it is the same submission, never paid twice.`
      : String(error instanceof Error ? error.message : error);
    problems.hidden = false;
  } finally {
    button.disabled = false;
  }
});

/** The multipart request: the image file as picked, the masks as PNGs of its size, the paths, the fields. */
async function requestForm() {
  const form = new FormData();
  const model = parameters.model;
  if (!image && model.imageRequired) throw new Error('image: choose or drop a JPEG or PNG first.');
  if (model.id) form.append('model', model.id);
  if (image) form.append('image', image.file, image.file.name);
  for (const [name, value] of parameters.values()) {
    if (value instanceof File) {
      const { errors } = await readImage(value, name);
      if (errors.length > 0) throw new Error(errors.join(' '));
      form.append(name, value, value.name);
    } else {
      form.append(name, value);
    }
  }
  const callback = /** @type {HTMLInputElement} */ ($('callback-url')).value.trim();
  if (callback) form.append('callback_url', callback);
  if (masks && paths) await appendMasks(form, masks, paths);
  return form;
}

/** @param {FormData} form @param {Masks} on @param {Paths} along */
async function appendMasks(form, on, along) {
  if (parameters.takes('static_mask') && on.painted(STATIC)) {
    form.append('static_mask', await on.toPng(STATIC), 'static_mask.png');
  }
  if (!parameters.takes('dynamic_masks')) return;
  const dynamic = [];
  for (let n = 1; n < BRUSHES.length; n++) {
    const painted = on.painted(n);
    const points = along.get(n);
    if (painted !== points.length > 0) {
      throw new Error(painted ? `${BRUSHES[n].name} has a painted area but no path: draw where it moves with the Path tool.`
        : `${BRUSHES[n].name} has a path but no painted area: paint what moves along it.`);
    }
    if (!painted) continue;
    form.append(`dynamic_masks[${dynamic.length}].mask`, await on.toPng(n), `dynamic_mask_${dynamic.length}.png`);
    dynamic.push({ trajectories: points });
  }
  if (dynamic.length > 0) form.append('dynamic_masks', JSON.stringify(dynamic));
}

/** A fresh Idempotency-Key (random, also where crypto.randomUUID is not offered: plain http off localhost). */
function newKey() {
  return `studio-${Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')}`;
}

// --- The function key (the Functions app's x-functions-key) -------------------------------------------------------

/** @param {string} [reason] @returns {Promise<boolean>} */
function askForKey(reason = 'This API needs a function key: the Functions app asks for one on every call (x-functions-key).') {
  const dialog = /** @type {HTMLDialogElement} */ ($('key-dialog'));
  const input = /** @type {HTMLInputElement} */ ($('function-key'));
  $('key-reason').textContent = reason;
  input.value = api.key;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save' && input.value.trim()) {
      api.key = input.value.trim();
      resolve(true);
    } else {
      if (dialog.returnValue === 'forget') api.key = '';
      resolve(false);
    }
    showKey();
  }, { once: true }));
}

function showKey() {
  $('key-state').textContent = api.key ? 'Function key: set for this tab' : 'Function key: none';
}

$('key-button').addEventListener('click', async () => {
  if (await askForKey('The Functions app checks a function key on every API call; the DevHost needs none. It is kept for this tab only (sessionStorage).')) {
    start();
  }
});

// --- Start ---------------------------------------------------------------------------------------------------------

async function start() {
  showKey();
  try {
    parameters.load(await api.models());
  } catch (error) {
    $('submit-error').textContent = error instanceof ApiError ? error.messages.join(' ') : `The API could not be reached: ${error}`;
    $('submit-error').hidden = false;
  }
  await jobs.refresh();
}

start();
