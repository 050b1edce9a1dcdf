/**
 * Where uploaded files live: a local folder by default (MEDIA_DIR); chosen once at start-up.
 * Keys are relative paths such as `products/12/3f9c…/thumb.webp`; an image's files share one
 * directory (its `storageKey` minus the file name).
 */
export interface MediaStorage {
  /** Writes one file, replacing any file already under `key`. */
  write(key: string, body: Buffer): Promise<void>;
  /** Removes a directory of files and everything in it; an absent directory is fine. */
  removeDir(prefix: string): Promise<void>;
}
