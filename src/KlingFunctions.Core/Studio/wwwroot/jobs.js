// @ts-check
// The jobs list (GET /api/videos): the most recent jobs first, a page at a time, each one reopened with a click.

import { ApiError } from './api.js';

export class JobsList {
  /**
   * @param {HTMLElement} root The list's section.
   * @param {import('./api.js').Api} api
   * @param {(id: string) => void} open Reopens a job.
   */
  constructor(root, api, open) {
    this.root = root;
    this.api = api;
    this.open = open;
    /** @type {string | null} */
    this.token = null;
    this.$ = (/** @type {string} */ name) => /** @type {HTMLElement} */ (root.querySelector(`[data-jobs="${name}"]`));
    this.$('status').addEventListener('change', () => this.refresh());
    this.$('refresh').addEventListener('click', () => this.refresh());
    this.$('more').addEventListener('click', () => this.load(false));
  }

  refresh() { return this.load(true); }

  /** @param {boolean} fromTop */
  async load(fromTop) {
    const rows = /** @type {HTMLTableSectionElement} */ (this.$('rows'));
    const note = this.$('note');
    try {
      const page = await this.api.list({ status: /** @type {HTMLSelectElement} */ (this.$('status')).value, top: 20, continuationToken: fromTop ? null : this.token });
      this.token = page.continuationToken;
      if (fromTop) rows.replaceChildren();
      rows.append(...page.items.map((/** @type {any} */ job) => this.row(job)));
      note.textContent = rows.children.length === 0 ? 'No jobs yet.' : '';
      this.$('more').hidden = !this.token;
    } catch (error) {
      note.textContent = error instanceof ApiError ? error.messages.join(' ') : `The API could not be reached: ${error}`;
    }
  }

  /** @param {any} job A line of the list. */
  row(job) {
    const row = document.createElement('tr');
    row.dataset.id = job.id;
    const cells = [new Date(job.createdAt).toLocaleString(), job.status, job.stage, job.model || '', job.prompt || ''];
    row.append(...cells.map(text => {
      const cell = document.createElement('td');
      cell.textContent = text;
      return cell;
    }));
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = 'Open';
    open.setAttribute('aria-label', `Open job ${job.id}${job.prompt ? `: ${job.prompt}` : ''}`);
    open.addEventListener('click', () => this.open(job.id));
    const action = document.createElement('td');
    action.append(open);
    row.append(action);
    return row;
  }
}
