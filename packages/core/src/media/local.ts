import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaStorage } from './storage';

/** Keys the store makes: relative, of plain segments none of which starts with a dot (`products/12/3f9c…/thumb.webp`). */
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Files in a folder on this machine (MEDIA_DIR), which the server also serves under /media/. */
export class LocalMediaStorage implements MediaStorage {
  readonly root: string;

  constructor(directory: string) {
    this.root = path.resolve(directory);
  }

  /** Creates the folder, so the server can serve it before the first upload. */
  async init(): Promise<this> {
    await mkdir(this.root, { recursive: true });
    return this;
  }

  async write(key: string, body: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written beside, then renamed: a reader never sees half a file.
    const partial = `${file}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await writeFile(partial, body);
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async removeDir(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  /** The file a key names; a key that could reach outside the folder is a bug, never a path. */
  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) {
      throw new Error(`Unsafe media key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, ...key.split('/'));
  }
}
