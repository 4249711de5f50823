// @ts-check
// The source image: read its format and size from its first bytes, as the API's staging does, and check the create
// call's rules with the API's own messages before anything is uploaded.

export const MAX_BYTES = 10 * 1024 * 1024;
export const MIN_SIDE = 300;

/**
 * @typedef {{ file: File, format: string, width: number, height: number, bitmap: ImageBitmap }} SourceImage
 * The picked file, and its pixel size as the API reads it (the masks are made at exactly this size).
 */

/**
 * Checks and decodes a picked file.
 * @param {File} file
 * @param {string} [field] The request field it is for, which the messages name.
 * @returns {Promise<{image?: SourceImage, errors: string[]}>}
 */
export async function readImage(file, field = 'image') {
  if (file.size > MAX_BYTES) {
    return { errors: [`${field}: is larger than 10 MB (${MAX_BYTES.toLocaleString('en-US')} bytes).`] };
  }

  // At most 10 MB: read whole, as a JPEG's frame header may follow large metadata segments.
  const head = new Uint8Array(await file.arrayBuffer());
  const { format, width, height } = readHeader(head);
  if (format !== 'JPEG' && format !== 'PNG') {
    return { errors: [`${field}: must be a JPEG or PNG image, but ${format === 'not an image' ? 'its bytes are not an image' : `it is ${format}`}.`] };
  }
  if (!(width > 0 && height > 0)) {
    return { errors: [`${field}: is a ${format} file whose size in pixels cannot be read (damaged or truncated header).`] };
  }

  const errors = [];
  if (width < MIN_SIDE || height < MIN_SIDE) {
    errors.push(`${field}: is ${width}×${height} pixels; both sides must be at least ${MIN_SIDE} pixels.`);
  }
  // 1:2.5 ≤ width:height ≤ 2.5:1, in integers as the API checks it: 2·w ≤ 5·h and 2·h ≤ 5·w.
  if (2 * width > 5 * height || 2 * height > 5 * width) {
    errors.push(`${field}: is ${width}×${height} pixels, an aspect ratio of ${ratio(width / height)}:1; it must be between 1:2.5 (0.4:1) and 2.5:1.`);
  }
  if (errors.length > 0) {
    return { errors };
  }

  try {
    // The pixels as stored, like the size in the header: the masks line up with what Freepik receives.
    const bitmap = await createImageBitmap(file, { imageOrientation: 'none' });
    return { image: { file, format, width, height, bitmap }, errors };
  } catch {
    return { errors: [`${field}: is a ${format} file this browser cannot decode.`] };
  }
}

/** The ratio as the API prints it (at most three decimals, no trailing zeros). */
function ratio(value) {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * Format and pixel size from the first bytes: PNG's IHDR, JPEG's first SOFn frame header; file names and declared
 * types are not trusted (the API's ImageFormats and ImageHeaderReader).
 * @param {Uint8Array} b
 */
export function readHeader(b) {
  const starts = (/** @type {number[]} */ bytes, at = 0) => bytes.every((value, i) => b[at + i] === value);
  const ascii = (/** @type {string} */ text, at = 0) => starts([...text].map(c => c.charCodeAt(0)), at);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    const ok = b.length >= 24 && ascii('IHDR', 12);
    return { format: 'PNG', width: ok ? int32(b, 16) : 0, height: ok ? int32(b, 20) : 0 };
  }
  if (starts([0xff, 0xd8, 0xff])) {
    return { format: 'JPEG', ...jpegSize(b) };
  }
  const format = ascii('GIF87a') || ascii('GIF89a') ? 'GIF'
    : ascii('RIFF') && ascii('WEBP', 8) ? 'WebP'
    : ascii('BM') ? 'BMP'
    : starts([0x49, 0x49, 0x2a, 0]) || starts([0x4d, 0x4d, 0, 0x2a]) ? 'TIFF'
    : ascii('ftyp', 4) && ['heic', 'heix', 'mif1', 'avif'].some(brand => ascii(brand, 8)) ? 'HEIF/AVIF'
    : 'not an image';
  return { format, width: 0, height: 0 };
}

/** @param {Uint8Array} b @param {number} at */
function int32(b, at) {
  const value = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
  return value > 0 ? value : 0;
}

/** Walks the JPEG's segments to the first frame header (SOF0…SOF15 but DHT, JPG and DAC). @param {Uint8Array} b */
function jpegSize(b) {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return { width: 0, height: 0 };
    const marker = b[at + 1];
    if (marker === 0xff) { at++; continue; }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[at + 5] << 8) | b[at + 6], width: (b[at + 7] << 8) | b[at + 8] };
    }
    if (marker === 0xd9 || marker === 0xda) return { width: 0, height: 0 };
    at += 2 + ((b[at + 2] << 8) | b[at + 3]);
  }
  return { width: 0, height: 0 };
}

/**
 * Lets a person pick or drop an image file.
 * @param {HTMLInputElement} input
 * @param {HTMLElement} dropZone
 * @param {(file: File) => void} picked
 */
export function acceptImages(input, dropZone, picked) {
  input.addEventListener('change', () => {
    if (input.files && input.files[0]) picked(input.files[0]);
  });
  dropZone.addEventListener('dragover', event => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', event => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) picked(file);
  });
}
