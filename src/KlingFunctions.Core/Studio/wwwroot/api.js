// @ts-check
// The HTTP API as the studio speaks it: like any other client, with problem+json errors as they come and the
// Functions app's function key (kept in sessionStorage) as x-functions-key.

const KEY_STORAGE = 'kling.functionKey';

/** An answer that is not a success: the API's problem (RFC 9457), or what little a bare answer says. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{title?: string, detail?: string, errors?: Record<string, string[]>}} problem
   */
  constructor(status, problem) {
    super(problem.detail || problem.title || `The API answered ${status}.`);
    this.status = status;
    this.title = problem.title || `The API answered ${status}.`;
    this.detail = problem.detail || '';
    /** @type {Record<string, string[]>} */
    this.errors = problem.errors || {};
  }

  /** Every message of the problem, a field's messages prefixed with its name, as the API words them. */
  get messages() {
    const fields = Object.entries(this.errors).flatMap(([field, messages]) => messages.map(message => `${field}: ${message}`));
    return [this.title, ...(this.detail && this.detail !== this.title ? [this.detail] : []), ...fields];
  }
}

export class Api {
  /**
   * @param {URL} base The API's root (…/api/), next to the studio page.
   * @param {() => Promise<boolean>} askForKey Asks the person for a function key after a 401; false when they decline.
   */
  constructor(base, askForKey) {
    this.base = base;
    this.askForKey = askForKey;
  }

  get key() { return sessionStorage.getItem(KEY_STORAGE) || ''; }

  set key(value) {
    if (value) {
      sessionStorage.setItem(KEY_STORAGE, value);
    } else {
      sessionStorage.removeItem(KEY_STORAGE);
    }
  }

  /** The model catalogue, or null where the API has none (an older API). */
  async models() {
    try {
      return await this.json('models');
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Starts a job. The same Idempotency-Key for a retry of the same submission: never a second Freepik task.
   * @param {FormData} form
   * @param {string} idempotencyKey
   */
  start(form, idempotencyKey) {
    return this.json('videos', { method: 'POST', body: form, headers: { 'Idempotency-Key': idempotencyKey } });
  }

  /** @param {string} id */
  job(id) { return this.json(`videos/${encodeURIComponent(id)}`); }

  /** @param {string} id */
  cancel(id) { return this.json(`videos/${encodeURIComponent(id)}/cancel`, { method: 'POST' }); }

  /** @param {{status?: string, top?: number, continuationToken?: string | null}} query */
  list(query) {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.top) params.set('top', String(query.top));
    if (query.continuationToken) params.set('continuationToken', query.continuationToken);
    return this.json(`videos?${params}`);
  }

  /**
   * @param {string} path Relative to the API's root.
   * @param {RequestInit & {headers?: Record<string, string>}} [init]
   * @returns {Promise<any>}
   */
  async json(path, init = {}) {
    for (;;) {
      const headers = { Accept: 'application/json', ...(init.headers || {}) };
      if (this.key) headers['x-functions-key'] = this.key;
      const response = await fetch(new URL(path, this.base), { ...init, headers });
      if (response.status === 401 && !path.startsWith('webhooks/') && await this.askForKey()) {
        continue;
      }
      const type = response.headers.get('content-type') || '';
      const body = type.includes('json') ? await response.json() : null;
      if (!response.ok) {
        throw new ApiError(response.status, body || { title: response.status === 401 ? 'This API needs a function key.' : `The API answered ${response.status} ${response.statusText}.` });
      }
      return body;
    }
  }
}
