// @ts-check
// The motion brush: a static brush (what stays still) and four motion brushes (what moves, each along its own path).
// Each brush paints its own mask layer at the image's own pixel size; a mask is sent as a black and white PNG of
// exactly that size, so what the API would refuse (a mask of another size) cannot be made here.

/**
 * @typedef {{ id: string, name: string, description: string, color: string, hatch: 'rows' | 'diagonal' | 'grid' | 'dots' | 'columns' }} Brush
 * A brush is told apart by its name and its hatching, not by its colour alone.
 */

/** @type {Brush[]} */
export const BRUSHES = [
  { id: 'static', name: 'Static', description: 'stays still', color: '#1c7ed6', hatch: 'rows' },
  { id: 'motion-1', name: 'Motion 1', description: 'moves along path 1', color: '#e8590c', hatch: 'diagonal' },
  { id: 'motion-2', name: 'Motion 2', description: 'moves along path 2', color: '#2f9e44', hatch: 'grid' },
  { id: 'motion-3', name: 'Motion 3', description: 'moves along path 3', color: '#ae3ec9', hatch: 'dots' },
  { id: 'motion-4', name: 'Motion 4', description: 'moves along path 4', color: '#c2255c', hatch: 'columns' },
];

/** Index of the static brush; the motion brushes follow it, motion brush n being dynamic_masks[n-1]. */
export const STATIC = 0;

/**
 * @typedef {{ brush: number, tool: 'paint' | 'erase' | 'clear', size: number, points: {x: number, y: number}[] }} Stroke
 * What one gesture did to the masks: kept, so that undo can paint the masks again without it.
 */

export class Masks {
  /**
   * @param {HTMLCanvasElement[]} canvases One per brush, stacked over the image.
   * @param {number} width The image's width in pixels.
   * @param {number} height The image's height in pixels.
   * @param {number} tile The hatching's size in image pixels (about 8 pixels on screen).
   */
  constructor(canvases, width, height, tile) {
    this.canvases = canvases;
    this.width = width;
    this.height = height;
    /** @type {Stroke[]} */
    this.strokes = [];
    this.contexts = canvases.map(canvas => {
      canvas.width = width;
      canvas.height = height;
      const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
      context.lineCap = 'round';
      context.lineJoin = 'round';
      return context;
    });
    this.patterns = BRUSHES.map((brush, i) => hatching(this.contexts[i], brush, tile));
  }

  /** Starts a gesture; paint on one mask takes that area off the others, as an area either moves or stays. */
  begin(/** @type {number} */ brush, /** @type {'paint' | 'erase'} */ tool, /** @type {number} */ size, /** @type {{x: number, y: number}} */ point) {
    /** @type {Stroke} */
    const stroke = { brush, tool, size, points: [point] };
    this.strokes.push(stroke);
    this.draw(stroke, point, point);
    return stroke;
  }

  /** Continues a gesture to the next point. */
  extend(/** @type {Stroke} */ stroke, /** @type {{x: number, y: number}} */ point) {
    const last = stroke.points[stroke.points.length - 1];
    stroke.points.push(point);
    this.draw(stroke, last, point);
  }

  /** Empties one brush's mask (undoable like a stroke). */
  clear(/** @type {number} */ brush) {
    /** @type {Stroke} */
    const stroke = { brush, tool: 'clear', size: 0, points: [] };
    this.strokes.push(stroke);
    this.contexts[brush].clearRect(0, 0, this.width, this.height);
    return stroke;
  }

  /** Takes a stroke back: the masks are painted again from the strokes that remain. */
  remove(/** @type {Stroke} */ stroke) {
    this.strokes = this.strokes.filter(kept => kept !== stroke);
    this.contexts.forEach(context => context.clearRect(0, 0, this.width, this.height));
    for (const kept of this.strokes) {
      if (kept.tool === 'clear') {
        this.contexts[kept.brush].clearRect(0, 0, this.width, this.height);
        continue;
      }
      kept.points.forEach((point, i) => this.draw(kept, kept.points[Math.max(0, i - 1)], point));
    }
  }

  /** @param {Stroke} stroke @param {{x: number, y: number}} from @param {{x: number, y: number}} to */
  draw(stroke, from, to) {
    this.contexts.forEach((context, i) => {
      if (stroke.tool === 'paint' && i === stroke.brush) {
        line(context, 'source-over', this.patterns[i], stroke.size, from, to);
      } else if (stroke.tool === 'paint' || i === stroke.brush) {
        line(context, 'destination-out', '#000', stroke.size, from, to);
      }
    });
  }

  /** Whether the brush has painted anything (what a person would see). */
  painted(/** @type {number} */ brush) {
    const alpha = this.contexts[brush].getImageData(0, 0, this.width, this.height).data;
    for (let i = 3; i < alpha.length; i += 4) {
      if (alpha[i] >= 128) return true;
    }
    return false;
  }

  /** The brush's mask as the API takes it: a PNG of the image's size, white where painted, black elsewhere. */
  toPng(/** @type {number} */ brush) {
    const pixels = this.contexts[brush].getImageData(0, 0, this.width, this.height);
    const data = pixels.data;
    for (let i = 0; i < data.length; i += 4) {
      const value = data[i + 3] >= 128 ? 255 : 0;
      data[i] = data[i + 1] = data[i + 2] = value;
      data[i + 3] = 255;
    }
    const canvas = document.createElement('canvas');
    canvas.width = this.width;
    canvas.height = this.height;
    /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).putImageData(pixels, 0, 0);
    return new Promise((resolve, reject) => canvas.toBlob(blob => (blob ? resolve(blob) : reject(new Error('The mask could not be encoded.'))), 'image/png'));
  }
}

/**
 * @param {CanvasRenderingContext2D} context
 * @param {GlobalCompositeOperation} operation
 * @param {string | CanvasPattern} style
 * @param {number} size
 * @param {{x: number, y: number}} from
 * @param {{x: number, y: number}} to
 */
function line(context, operation, style, size, from, to) {
  context.globalCompositeOperation = operation;
  context.beginPath();
  if (from.x === to.x && from.y === to.y) {
    // A click without a drag: a dot (a line of no length draws nothing).
    context.fillStyle = style;
    context.arc(to.x, to.y, size / 2, 0, 2 * Math.PI);
    context.fill();
    return;
  }
  context.strokeStyle = style;
  context.lineWidth = size;
  context.moveTo(from.x, from.y);
  context.lineTo(to.x, to.y);
  context.stroke();
}

/**
 * The brush's colour with its hatching, opaque, so that the mask's alpha is exactly where it was painted.
 * @param {CanvasRenderingContext2D} context @param {Brush} brush @param {number} tile
 */
function hatching(context, brush, tile) {
  const size = Math.max(4, Math.round(tile));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const pen = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  pen.fillStyle = brush.color;
  pen.fillRect(0, 0, size, size);
  pen.fillStyle = 'rgba(255, 255, 255, 0.55)';
  const w = Math.max(1, Math.round(size / 4));
  switch (brush.hatch) {
    case 'rows': pen.fillRect(0, 0, size, w); break;
    case 'columns': pen.fillRect(0, 0, w, size); break;
    case 'grid': pen.fillRect(0, 0, size, w); pen.fillRect(0, 0, w, size); break;
    case 'dots': pen.beginPath(); pen.arc(size / 2, size / 2, w, 0, 2 * Math.PI); pen.fill(); break;
    case 'diagonal':
      pen.strokeStyle = pen.fillStyle;
      pen.lineWidth = w;
      pen.beginPath();
      pen.moveTo(-1, size + 1); pen.lineTo(size + 1, -1);
      pen.moveTo(-1, 1); pen.lineTo(1, -1);
      pen.moveTo(size - 1, size + 1); pen.lineTo(size + 1, size - 1);
      pen.stroke();
      break;
  }
  return /** @type {CanvasPattern} */ (context.createPattern(canvas, 'repeat'));
}

/** A small swatch of the brush, for its legend and its radio button. */
export function swatch(/** @type {Brush} */ brush) {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 16;
  canvas.className = 'swatch';
  canvas.setAttribute('aria-hidden', 'true');
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  context.fillStyle = hatching(context, brush, 8);
  context.fillRect(0, 0, 16, 16);
  return canvas;
}
