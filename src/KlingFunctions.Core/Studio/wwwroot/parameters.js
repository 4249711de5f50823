// @ts-check
// The parameters of a job: the model, from the API's catalogue (GET /api/models), and exactly the fields that model
// takes, each with the limits the catalogue gives, so that what the API would refuse cannot be typed in.

/**
 * @typedef {{ name: string, type: string, required?: boolean, enum?: string[], minimum?: number, maximum?: number, maxLength?: number, default?: any }} Field
 * @typedef {{ id: string | null, name: string, description?: string, imageRequired: boolean, fields: Field[] }} Model
 */

/** Labels for the fields a person fills in; unknown fields of a newer model are shown by name. */
const LABELS = {
  prompt: 'Prompt: what should happen',
  negative_prompt: 'Negative prompt: what should not',
  duration: 'Duration (seconds)',
  cfg_scale: 'CFG scale: how closely to follow the prompt (0 to 1)',
  end_image: 'End frame (JPEG or PNG): the last frame of the video',
  aspect_ratio: 'Aspect ratio',
  generate_audio: 'Generate audio',
};

/** Fields that are not typed into the form: the image and the brush's masks are made on the canvas. */
const CANVAS_FIELDS = new Set(['image', 'static_mask', 'dynamic_masks']);

/**
 * What the API takes when it has no catalogue (before models): Kling 2.1 Standard's fields; no model is sent then.
 * @type {Model}
 */
export const WITHOUT_CATALOGUE = {
  id: null,
  name: 'Kling 2.1 Standard',
  imageRequired: true,
  fields: [
    { name: 'image', type: 'image', required: true },
    { name: 'prompt', type: 'string', maxLength: 2500 },
    { name: 'negative_prompt', type: 'string', maxLength: 2500 },
    { name: 'duration', type: 'string', enum: ['5', '10'], default: '5' },
    { name: 'cfg_scale', type: 'number', minimum: 0, maximum: 1, default: 0.5 },
    { name: 'static_mask', type: 'image' },
    { name: 'dynamic_masks', type: 'dynamic_masks' },
  ],
};

export class Parameters {
  /**
   * @param {HTMLSelectElement} picker The model picker.
   * @param {HTMLElement} fields Where the model's fields go.
   * @param {(model: Model) => void} changed Called when another model is picked.
   */
  constructor(picker, fields, changed) {
    this.picker = picker;
    this.fields = fields;
    this.changed = changed;
    /** @type {Model[]} */
    this.models = [WITHOUT_CATALOGUE];
    /** @type {Model} */
    this.model = WITHOUT_CATALOGUE;
    picker.addEventListener('change', () => this.choose(picker.value));
  }

  /** Shows the catalogue (null: the API has none, and the page offers what the API took before models). */
  load(/** @type {{default?: string, items: Model[]} | null} */ catalogue) {
    this.models = catalogue && catalogue.items.length > 0 ? catalogue.items : [WITHOUT_CATALOGUE];
    this.picker.replaceChildren(...this.models.map(model => new Option(model.name + (model.id ? ` (${model.id})` : ''), model.id || '')));
    /** @type {HTMLElement} */ (this.picker.closest('.field')).hidden = !catalogue;
    this.choose(catalogue?.default || this.models[0].id || '');
  }

  /** @param {string} id */
  choose(id) {
    this.model = this.models.find(model => (model.id || '') === id) || this.models[0];
    this.picker.value = this.model.id || '';
    const kept = this.values();
    this.fields.replaceChildren(...this.model.fields.filter(field => !CANVAS_FIELDS.has(field.name)).map(field => control(field, kept.get(field.name))));
    this.changed(this.model);
  }

  /** Whether the chosen model takes a field. */
  takes(/** @type {string} */ name) { return this.model.fields.some(field => field.name === name); }

  /** The typed-in fields as they go into the multipart request (files included, empty fields left out). */
  values() {
    const values = new Map();
    for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (this.fields.querySelectorAll('[name]'))) {
      if (input.type === 'file') {
        if (input.files && input.files[0]) values.set(input.name, input.files[0]);
      } else if (input.type === 'checkbox') {
        values.set(input.name, String(input.checked));
      } else if (input.value.trim() !== '') {
        values.set(input.name, input.value);
      }
    }
    return values;
  }
}

/** One field's labelled control, from its type and limits. @param {Field} field @param {any} kept */
function control(field, kept) {
  const wrapper = document.createElement('div');
  wrapper.className = 'field';
  const id = `field-${field.name}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = LABELS[/** @type {keyof typeof LABELS} */ (field.name)] || field.name;
  /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */
  let input;
  if (field.enum) {
    input = document.createElement('select');
    if (!field.required && field.default === undefined) input.append(new Option('(default)', ''));
    input.append(...field.enum.map(value => new Option(value, value)));
  } else if (field.type === 'string' && (field.name.endsWith('prompt') || (field.maxLength || 0) > 200)) {
    input = document.createElement('textarea');
    input.rows = field.name === 'prompt' ? 4 : 2;
  } else {
    input = document.createElement('input');
    input.type = field.type === 'image' ? 'file' : field.type === 'boolean' ? 'checkbox' : field.type === 'number' || field.type === 'integer' ? 'number' : 'text';
    if (field.type === 'image') input.accept = 'image/jpeg,image/png';
    if (field.type === 'number') input.step = 'any';
    if (field.type === 'integer') input.step = '1';
  }
  input.id = id;
  input.name = field.name;
  if (field.maxLength && 'maxLength' in input) input.maxLength = field.maxLength;
  if (field.minimum !== undefined && input instanceof HTMLInputElement) input.min = String(field.minimum);
  if (field.maximum !== undefined && input instanceof HTMLInputElement) input.max = String(field.maximum);
  if (field.required && field.type !== 'image') input.required = true;
  const value = kept instanceof File || (field.enum && !field.enum.includes(kept)) ? field.default : kept ?? field.default;
  if (input instanceof HTMLInputElement && input.type === 'checkbox') {
    input.checked = value === true || value === 'true';
  } else if (value !== undefined && !(input instanceof HTMLInputElement && input.type === 'file')) {
    input.value = String(value);
  }
  if (input instanceof HTMLInputElement && input.type === 'checkbox') {
    wrapper.classList.add('check');
    wrapper.append(input, label);
  } else {
    wrapper.append(label, input);
  }
  return wrapper;
}
