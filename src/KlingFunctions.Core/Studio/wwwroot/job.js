// @ts-check
// One job, live: its status and stage as a timeline with the times they were seen, Freepik's status, polls and
// webhooks, its place in line, its error; a cancel button while it runs; then the video, played from the archived copy.

import { ApiError } from './api.js';

export const STAGES = ['Queued', 'Staging', 'WaitingForSlot', 'Submitting', 'Generating', 'Archiving', 'Done'];
const STAGE_NAMES = { WaitingForSlot: 'Waiting for a slot' };
const RUNNING = ['Pending', 'Running'];
const POLL_MS = 1000;

export class JobView {
  /**
   * @param {HTMLElement} root The job's section.
   * @param {import('./api.js').Api} api
   * @param {() => void} finished Called once when a followed job ends (e.g. to refresh the jobs list).
   */
  constructor(root, api, finished) {
    this.root = root;
    this.api = api;
    this.finished = finished;
    /** @type {string | null} */
    this.id = null;
    /** @type {Map<string, Date>} When this page first saw each stage. */
    this.seen = new Map();
    this.timer = 0;
    this.generation = 0;
    this.videoShown = false;
    this.$ = (/** @type {string} */ name) => /** @type {HTMLElement} */ (root.querySelector(`[data-job="${name}"]`));
    this.$('cancel').addEventListener('click', () => this.cancel());
  }

  /** Follows a job (the one just started, or one reopened from the list) until it ends. */
  follow(/** @type {string} */ id, /** @type {any} */ view = null) {
    clearTimeout(this.timer);
    this.generation++;
    this.id = id;
    this.seen = new Map();
    this.root.hidden = false;
    this.videoShown = false;
    this.$('video').removeAttribute('src');
    this.$('media').hidden = true;
    this.$('problem').hidden = true;
    if (view) this.render(view);
    this.poll(this.generation);
  }

  /** @param {number} generation */
  async poll(generation) {
    if (!this.id || generation !== this.generation) return;
    try {
      const view = await this.api.job(this.id);
      if (generation !== this.generation) return;
      this.render(view);
      if (RUNNING.includes(view.status)) {
        this.timer = window.setTimeout(() => this.poll(generation), POLL_MS);
      } else {
        this.finished();
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.problem(error);
      if (!(error instanceof ApiError && error.status === 404)) {
        this.timer = window.setTimeout(() => this.poll(generation), POLL_MS * 3);
      }
    }
  }

  async cancel() {
    if (!this.id) return;
    const button = /** @type {HTMLButtonElement} */ (this.$('cancel'));
    button.disabled = true;
    try {
      this.render(await this.api.cancel(this.id));
    } catch (error) {
      this.problem(error);
    }
  }

  /** @param {unknown} error */
  problem(error) {
    const box = this.$('problem');
    box.textContent = error instanceof ApiError ? error.messages.join(' ') : `The API could not be reached: ${error}`;
    box.hidden = false;
  }

  /** @param {any} view The API's job view. */
  render(view) {
    const now = new Date();
    const current = STAGES.indexOf(view.stage);
    if (!this.seen.has('Queued')) this.seen.set('Queued', new Date(view.createdAt));
    if (!this.seen.has(view.stage)) this.seen.set(view.stage, view.stage === 'Done' && !RUNNING.includes(view.status) ? new Date(view.updatedAt) : now);

    this.$('id').textContent = view.id;
    this.$('status').textContent = view.status;
    this.$('status').dataset.status = view.status;
    this.$('model').textContent = view.model || '';
    /** @type {HTMLElement} */ (this.$('model').closest('div')).hidden = !view.model;
    this.$('freepik').textContent = view.freepik ? `${view.freepik.status || 'submitted'} (task ${view.freepik.taskId})` : 'not yet submitted';
    this.$('polls').textContent = `${view.polls} polls, ${view.webhooks} webhooks`;
    this.$('updated').textContent = time(new Date(view.updatedAt));

    this.$('timeline').replaceChildren(...STAGES.map((stage, i) => {
      const item = document.createElement('li');
      const state = i < current || (i === current && !RUNNING.includes(view.status)) ? 'done' : i === current ? 'current' : 'upcoming';
      item.dataset.state = state;
      if (state === 'current') item.setAttribute('aria-current', 'step');
      const seen = this.seen.get(stage);
      const mark = state === 'done' ? '✓' : state === 'current' ? '●' : '○';
      item.textContent = `${mark} ${STAGE_NAMES[/** @type {keyof typeof STAGE_NAMES} */ (stage)] || stage}${seen ? ` · ${time(seen)}` : ''}`;
      if (stage === 'WaitingForSlot' && view.line && i === current) {
        const place = view.line.ahead === 0 ? 'next in line' : `${view.line.ahead} ahead in line`;
        item.textContent += ` · ${place} for ${view.line.limit} Freepik task(s) at a time (as of ${time(new Date(view.line.checkedAt))})`;
      }
      return item;
    }));

    const error = this.$('error');
    error.hidden = !view.error;
    error.textContent = view.error ? `${view.error.code}: ${view.error.message}` : '';
    /** @type {HTMLButtonElement} */ (this.$('cancel')).disabled = !RUNNING.includes(view.status);

    const url = view.video?.url || (view.status === 'Completed' ? view.videoUrls?.[0] : null);
    // video.url is a fresh read link on every read: the first one is played.
    if (url && !this.videoShown) {
      this.videoShown = true;
      const video = /** @type {HTMLVideoElement} */ (this.$('video'));
      video.src = url;
      const download = /** @type {HTMLAnchorElement} */ (this.$('download'));
      download.href = url;
      download.download = `${view.id}.mp4`;
      this.$('media').hidden = false;
    }
  }
}

/** @param {Date} date */
function time(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
