// @ts-check
// The motion brushes' trajectories: one path per motion brush, in the image's pixel coordinates, drawn over the image
// with numbered points and arrows that show the direction, and edited by pointer or in a list of points.

import { BRUSHES } from './brushes.js';

/** @typedef {{x: number, y: number}} Point */

export class Paths {
  /** @param {number} count How many motion brushes (each has a path). @param {number} width @param {number} height */
  constructor(count, width, height) {
    this.width = width;
    this.height = height;
    /** @type {Point[][]} */
    this.paths = Array.from({ length: count }, () => []);
  }

  /** The path of motion brush n (1-based, as named), as a copy. */
  get(/** @type {number} */ n) { return this.paths[n - 1].map(point => ({ ...point })); }

  /** Replaces a path; points are pixels of the image, whole and inside it. */
  set(/** @type {number} */ n, /** @type {Point[]} */ points) { this.paths[n - 1] = points.map(point => this.inside(point)); }

  /** @param {Point} point */
  inside(point) {
    return {
      x: Math.min(this.width - 1, Math.max(0, Math.round(point.x))),
      y: Math.min(this.height - 1, Math.max(0, Math.round(point.y))),
    };
  }

  /** The index of the path's point within radius of a spot, or -1. */
  hit(/** @type {number} */ n, /** @type {Point} */ spot, /** @type {number} */ radius) {
    const path = this.paths[n - 1];
    for (let i = path.length - 1; i >= 0; i--) {
      if (Math.hypot(path[i].x - spot.x, path[i].y - spot.y) <= radius) return i;
    }
    return -1;
  }

  /**
   * Draws every path: the active one on top and stronger; numbered points, the start ringed, arrows along each segment.
   * @param {CanvasRenderingContext2D} context @param {number} active The motion brush being edited (0: none). @param {number} scale Image pixels per screen pixel.
   */
  draw(context, active, scale) {
    context.clearRect(0, 0, this.width, this.height);
    const order = this.paths.map((_, i) => i + 1).sort((a, b) => (a === active ? 1 : 0) - (b === active ? 1 : 0));
    for (const n of order) {
      const path = this.paths[n - 1];
      if (path.length === 0) continue;
      const color = BRUSHES[n].color;
      context.globalAlpha = n === active || active === 0 ? 1 : 0.55;
      context.fillStyle = color;
      context.beginPath();
      path.forEach((point, i) => (i === 0 ? context.moveTo(point.x, point.y) : context.lineTo(point.x, point.y)));
      // A white casing keeps the path visible on any image.
      for (const [style, width] of [['#fff', 6], [color, 3]]) {
        context.strokeStyle = String(style);
        context.lineWidth = Number(width) * scale;
        context.stroke();
      }
      for (let i = 1; i < path.length; i++) arrow(context, path[i - 1], path[i], scale);
      path.forEach((point, i) => dot(context, point, i, n, scale));
    }
    context.globalAlpha = 1;
  }
}

/** An arrowhead in the middle of a segment, pointing the way the motion goes. */
function arrow(/** @type {CanvasRenderingContext2D} */ context, /** @type {Point} */ from, /** @type {Point} */ to, /** @type {number} */ scale) {
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  if (length < 20 * scale) return;
  const angle = Math.atan2(to.y - from.y, to.x - from.x);
  const size = 14 * scale;
  const x = (from.x + to.x) / 2 + Math.cos(angle) * size / 2;
  const y = (from.y + to.y) / 2 + Math.sin(angle) * size / 2;
  context.beginPath();
  context.moveTo(x, y);
  context.lineTo(x - size * Math.cos(angle - 0.5), y - size * Math.sin(angle - 0.5));
  context.lineTo(x - size * Math.cos(angle + 0.5), y - size * Math.sin(angle + 0.5));
  context.closePath();
  context.fill();
  context.lineWidth = 1.5 * scale;
  context.strokeStyle = '#fff';
  context.stroke();
}

/** A point with its number; the first is ringed and labelled with the path's brush number. */
function dot(/** @type {CanvasRenderingContext2D} */ context, /** @type {Point} */ point, /** @type {number} */ i, /** @type {number} */ n, /** @type {number} */ scale) {
  const radius = (i === 0 ? 7 : 5) * scale;
  context.beginPath();
  context.arc(point.x, point.y, radius, 0, 2 * Math.PI);
  context.fill();
  context.lineWidth = 2 * scale;
  context.strokeStyle = '#fff';
  context.stroke();
  if (i === 0) {
    context.font = `bold ${12 * scale}px system-ui, sans-serif`;
    context.lineWidth = 3 * scale;
    context.strokeStyle = '#fff';
    const label = `${n}▶`;
    context.strokeText(label, point.x + radius + 2 * scale, point.y - radius);
    context.fillText(label, point.x + radius + 2 * scale, point.y - radius);
  }
}

/**
 * The active path as a list of points, each with x and y inputs and a remove button: the path is made and changed
 * from the keyboard too.
 * @param {HTMLOListElement} list
 * @param {Point[]} points
 * @param {{width: number, height: number}} size
 * @param {(points: Point[]) => void} changed Called with the path as edited.
 */
export function renderPointList(list, points, size, changed) {
  list.replaceChildren(...points.map((point, i) => {
    const item = document.createElement('li');
    const number = i + 1;
    item.append(
      coordinate(`point-${number}-x`, `Point ${number} x`, point.x, size.width - 1, value => changed(points.map((p, j) => (j === i ? { ...p, x: value } : p)))),
      coordinate(`point-${number}-y`, `Point ${number} y`, point.y, size.height - 1, value => changed(points.map((p, j) => (j === i ? { ...p, y: value } : p)))));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove point ${number}`);
    remove.addEventListener('click', () => changed(points.filter((_, j) => j !== i)));
    item.append(remove);
    return item;
  }));
}

/** @param {string} id @param {string} label @param {number} value @param {number} max @param {(value: number) => void} set */
function coordinate(id, label, value, max, set) {
  const wrapper = document.createElement('span');
  const caption = document.createElement('label');
  caption.htmlFor = id;
  caption.textContent = label.endsWith('x') ? 'x' : 'y';
  caption.title = label;
  const input = document.createElement('input');
  input.type = 'number';
  input.id = id;
  input.min = '0';
  input.max = String(max);
  input.step = '1';
  input.value = String(value);
  input.setAttribute('aria-label', label);
  input.addEventListener('change', () => {
    if (input.value !== '' && Number.isFinite(Number(input.value))) set(Number(input.value));
  });
  wrapper.append(caption, input);
  return wrapper;
}
