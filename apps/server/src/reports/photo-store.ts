/**
 * Where cleaned report photos are kept: files under UPLOADS_DIR with random names (the default
 * with an on-disk DATA_DIR), or in the database (DATA_DIR=memory, where nothing may touch the
 * disk, and clusters without a shared volume). The database row is the index either way, and a
 * photo is read from wherever its row says it was put, whatever the setting is today.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { reportsRepo, type Db, type PhotoMeta } from '@rb/db'

export interface StoredBytes {
  fileName: string | null
  data: Buffer | null
}

/** File names the store writes: 32 hex digits and the type. Nothing else is ever opened. */
const FILE_NAME = /^[0-9a-f]{32}\.(jpg|png|webp)$/

export class PhotoStore {
  #ready: Promise<unknown> | undefined

  constructor(
    readonly db: Db,
    /** Where new photos go. */
    readonly kind: 'file' | 'db',
    /** UPLOADS_DIR; undefined when files are neither written nor expected. */
    readonly dir: string | undefined,
  ) {}

  /** Keeps the bytes: a file is written and synced before the report's transaction commits. */
  async put(id: string, ext: string, bytes: Buffer): Promise<StoredBytes> {
    if (this.kind === 'db' || !this.dir) return { fileName: null, data: bytes }
    const fileName = `${id}.${ext}`
    if (!FILE_NAME.test(fileName)) throw new Error(`not a photo file name: ${fileName}`)
    this.#ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 })
    await this.#ready
    // 'wx': never overwrite; 0600: the server's user only.
    const fh = await open(join(this.dir, fileName), 'wx', 0o600)
    try {
      await fh.writeFile(bytes)
      await fh.sync()
    } finally {
      await fh.close()
    }
    return { fileName, data: null }
  }

  /** Removes what `put` wrote when the transaction did not commit. */
  async discard(stored: StoredBytes): Promise<void> {
    if (this.dir && stored.fileName && FILE_NAME.test(stored.fileName))
      await unlink(join(this.dir, stored.fileName)).catch(() => {})
  }

  /** The photo's bytes, or null when they are gone (a file deleted by hand). */
  async read(photo: PhotoMeta): Promise<Buffer | null> {
    if (photo.storage === 'db') {
      const data = await reportsRepo.photoData(this.db, photo.id)
      return data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : null
    }
    if (!this.dir || !photo.fileName || !FILE_NAME.test(photo.fileName)) return null
    try {
      return await readFile(join(this.dir, photo.fileName))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  }
}

export interface PhotoStoreSettings {
  reportPhotoStore: 'auto' | 'files' | 'db'
  uploadsDir: string | undefined
  dataDir: string
  redisUrl: string | undefined
}

/**
 * `auto`: the database when DATA_DIR=memory (tests, demos: nothing on disk) or in cluster mode
 * (REDIS_URL: instances share no disk); otherwise files under UPLOADS_DIR (default DATA_DIR/uploads).
 */
export function createPhotoStore(s: PhotoStoreSettings, db: Db): PhotoStore {
  const kind =
    s.reportPhotoStore === 'auto'
      ? s.dataDir === 'memory' || s.redisUrl
        ? 'db'
        : 'file'
      : s.reportPhotoStore === 'files'
        ? 'file'
        : 'db'
  const dir = s.uploadsDir ?? (s.dataDir === 'memory' ? undefined : join(s.dataDir, 'uploads'))
  if (kind === 'file' && !dir) throw new Error('REPORT_PHOTO_STORE=files with DATA_DIR=memory needs UPLOADS_DIR')
  return new PhotoStore(db, kind, dir)
}
