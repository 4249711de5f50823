// @ts-check
// The canvas stack over which a person paints: the image, one mask layer per brush, the paths on top. Every layer has
// the image's own pixel size; the page scales them all alike, and pointer positions are turned into image pixels.

/** @typedef {{x: number, y: number}} Point */

/**
 * @typedef {object} Gesture What a tool does with one press, drag and release (positions in image pixels).
 * @property {(point: Point) => void} start
 * @property {(point: Point) => void} move
 * @property {() => void} end
 */

export class Stage {
  /** @param {HTMLElement} container @param {number} layers How many mask layers. */
  constructor(container, layers) {
    this.container = container;
    this.image = this.layer('image');
    this.masks = Array.from({ length: layers }, (_, i) => this.layer(`mask mask-${i}`));
    this.paths = this.layer('paths');
    this.cursor = this.layer('cursor');
    this.width = 0;
    this.height = 0;
    /** @type {Point} The keyboard's spot on the image. */
    this.spot = { x: 0, y: 0 };
    /** @type {() => Gesture | null} */
    this.tool = () => null;
  }

  /** @param {string} name */
  layer(name) {
    const canvas = document.createElement('canvas');
    canvas.className = `layer ${name}`;
    canvas.setAttribute('aria-hidden', 'true');
    this.container.append(canvas);
    return canvas;
  }

  /** Shows a new image: every layer takes its size. @param {ImageBitmap} bitmap @param {number} width @param {number} height */
  show(bitmap, width, height) {
    this.width = width;
    this.height = height;
    for (const canvas of [this.image, this.paths, this.cursor]) {
      canvas.width = width;
      canvas.height = height;
    }
    this.container.style.aspectRatio = `${width} / ${height}`;
    /** @type {CanvasRenderingContext2D} */ (this.image.getContext('2d')).drawImage(bitmap, 0, 0, width, height);
    this.spot = { x: Math.round(width / 2), y: Math.round(height / 2) };
  }

  /** Image pixels per screen pixel, as the image is shown now. */
  get scale() {
    const shown = this.cursor.getBoundingClientRect().width;
    return shown > 0 ? this.width / shown : 1;
  }

  /** @param {PointerEvent} event */
  toImage(event) {
    const box = this.cursor.getBoundingClientRect();
    return {
      x: Math.min(this.width, Math.max(0, (event.clientX - box.left) * this.width / box.width)),
      y: Math.min(this.height, Math.max(0, (event.clientY - box.top) * this.height / box.height)),
    };
  }

  /**
   * Routes pointer gestures, and the keyboard's (arrows move a crosshair, Enter or Space applies the tool there), to
   * the tool in use.
   * @param {HTMLElement} surface What receives the input (focusable).
   */
  listen(surface) {
    /** @type {Gesture | null} */
    let gesture = null;
    surface.addEventListener('pointerdown', event => {
      if (event.button !== 0 || this.width === 0) return;
      gesture = this.tool();
      if (!gesture) return;
      surface.setPointerCapture(event.pointerId);
      gesture.start(this.toImage(event));
      event.preventDefault();
    });
    surface.addEventListener('pointermove', event => gesture?.move(this.toImage(event)));
    const finish = () => {
      gesture?.end();
      gesture = null;
    };
    surface.addEventListener('pointerup', finish);
    surface.addEventListener('pointercancel', finish);

    surface.addEventListener('keydown', event => {
      if (this.width === 0) return;
      const step = (event.shiftKey ? 0.1 : 0.01) * Math.max(this.width, this.height);
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      const move = moves[/** @type {keyof typeof moves} */ (event.key)];
      if (move) {
        this.spot = { x: Math.min(this.width - 1, Math.max(0, this.spot.x + move[0])), y: Math.min(this.height - 1, Math.max(0, this.spot.y + move[1])) };
        this.drawCursor();
        event.preventDefault();
      } else if (event.key === 'Enter' || event.key === ' ') {
        const tap = this.tool();
        if (tap) {
          tap.start(this.spot);
          tap.end();
        }
        event.preventDefault();
      }
    });
    surface.addEventListener('focus', () => this.drawCursor());
    surface.addEventListener('blur', () => this.clearCursor());
  }

  /** The keyboard's crosshair. */
  drawCursor() {
    const context = /** @type {CanvasRenderingContext2D} */ (this.cursor.getContext('2d'));
    const { x, y } = this.spot;
    const size = 12 * this.scale;
    this.clearCursor();
    context.lineWidth = 3 * this.scale;
    for (const [color, width] of [['#000', 3], ['#fff', 1]]) {
      context.strokeStyle = String(color);
      context.lineWidth = Number(width) * this.scale;
      context.beginPath();
      context.moveTo(x - size, y); context.lineTo(x + size, y);
      context.moveTo(x, y - size); context.lineTo(x, y + size);
      context.stroke();
    }
  }

  clearCursor() {
    /** @type {CanvasRenderingContext2D} */ (this.cursor.getContext('2d')).clearRect(0, 0, this.width, this.height);
  }
}
