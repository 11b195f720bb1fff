import { inflateSync } from 'node:zlib';

/** An 8-bit RGB(A) image as Chromium's screenshots are: one byte per channel, rows top to bottom. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const [dLeft, dUp, dUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
  return dLeft <= dUp && dLeft <= dUpLeft ? left : dUp <= dUpLeft ? up : upLeft;
}

/**
 * Decodes a non-interlaced 8-bit truecolour PNG (what `Page.captureScreenshot` returns), so a test can
 * look at the pixels a browser drew without an image library.
 */
export function decodePng(data: Buffer): DecodedPng {
  if (!data.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: the signature does not match');
  let [width, height, colourType, bitDepth, interlace] = [0, 0, 0, 0, 0];
  const compressed: Buffer[] = [];
  for (let offset = 8; offset < data.length; ) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') [width, height, bitDepth, colourType, interlace] = [body.readUInt32BE(0), body.readUInt32BE(4), body[8]!, body[9]!, body[12]!];
    if (type === 'IDAT') compressed.push(body);
    offset += 12 + length;
  }
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6) || interlace !== 0) throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
  const channels = colourType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(compressed));
  const pixels = new Uint8Array(height * stride);
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (stride + 1)]!;
    const line = raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1));
    const out = row * stride;
    for (let index = 0; index < stride; index++) {
      const left = index >= channels ? pixels[out + index - channels]! : 0;
      const up = row > 0 ? pixels[out - stride + index]! : 0;
      const upLeft = row > 0 && index >= channels ? pixels[out - stride + index - channels]! : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`unsupported PNG row filter ${filter}`);
      pixels[out + index] = (line[index]! + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** The variance of the pixels' luminance: 0 for a blank (single-colour) region. */
export function luminanceVariance(image: DecodedPng): number {
  const count = image.width * image.height;
  let [sum, squares] = [0, 0];
  for (let pixel = 0; pixel < count; pixel++) {
    const at = pixel * image.channels;
    const luminance = 0.299 * image.pixels[at]! + 0.587 * image.pixels[at + 1]! + 0.114 * image.pixels[at + 2]!;
    sum += luminance;
    squares += luminance * luminance;
  }
  const mean = sum / count;
  return squares / count - mean * mean;
}
