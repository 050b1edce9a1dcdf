import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Written into the test photo's EXIF, so a test can look for it in every served byte. */
export const EXIF_MARKER = 'SECRET-CAMERA-OWNER-7f3a';

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'avif';

/**
 * A photo as a phone makes it: EXIF with a GPS position and the owner's name, stored sideways
 * with an Orientation tag (6: turn 90° clockwise to view), so `width` × `height` as stored
 * are the viewed image's height × width.
 */
export async function photoWithExif(options: { width: number; height: number; format?: PhotoFormat }): Promise<Buffer> {
  const { width, height, format = 'jpeg' } = options;
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .composite([{ input: { create: { width: Math.ceil(width / 4), height: Math.ceil(height / 4), channels: 3, background: '#f2c14e' } } }])
    .withExif({
      IFD0: { Artist: EXIF_MARKER, Copyright: EXIF_MARKER },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 300/100' },
    })
    .withMetadata({ orientation: 6 })
    // The fastest AVIF encoding: the fixture's quality does not matter.
    .toFormat(format, format === 'avif' ? { effort: 0 } : {})
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a PNG of a few hundred kilobytes that declares `side` × `side` pixels
 * (30 000² is 900 million) of valid, all-black 1-bit data.
 */
export function pixelBombPng(side = 30_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const row = 1 + Math.ceil(side / 8); // a filter byte, then the row's bits
  const pixels = deflateSync(Buffer.alloc(row * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
