import { constants } from 'node:fs';
import { open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import ignore, { type Ignore } from 'ignore';
import type { CoverageGap } from '../model.js';
import { displayName } from './names.js';
import type { ContentItem, Source } from './types.js';

export interface DirectoryOptions {
  maxFileSize: number;
  /** Honour .gitignore files (the default). */
  useIgnore: boolean;
}

interface IgnoreLayer {
  base: string; // directory the .gitignore sits in, relative to the root, posix
  ig: Ignore;
}

const SLASH = Buffer.from('/');
const DOT_GIT = Buffer.from('.git');

/** What a failed read says in a gap: the case, never file content. */
function why(err: NodeJS.ErrnoException): string {
  if (err.code === 'EACCES' || err.code === 'EPERM') return `permission denied (${err.code})`;
  if (err.code === 'ELOOP') return 'is a symlink (directory scans never follow symlinks)';
  return err.code!;
}

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

/** Walks a tree without following symlinks (no loops, no escaping the target). */
export class DirectorySource implements Source {
  readonly kind = 'directory';
  readonly gaps: CoverageGap[] = [];

  constructor(
    readonly root: string,
    private readonly opts: DirectoryOptions,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    // Names are handled as bytes throughout, so a file whose name is not UTF-8 is still read.
    yield* this.walk(Buffer.from(this.root), '', []);
  }

  private async loadIgnore(dir: Buffer, rel: string, layers: IgnoreLayer[]): Promise<IgnoreLayer[]> {
    if (!this.opts.useIgnore) return layers;
    let text: string;
    try {
      text = await readFile(Buffer.concat([dir, Buffer.from('/.gitignore')]), 'utf8');
    } catch (err) {
      // No .gitignore here (or a parent that is not a directory) is the ordinary case.
      if (isErrno(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return layers;
      if (!isErrno(err)) throw err;
      // Unreadable ignore rules: files are scanned as if it were absent, but the run says so.
      this.gaps.push({ scope: rel ? `${rel}/.gitignore` : '.gitignore', reason: why(err) });
      return layers;
    }
    return [...layers, { base: rel, ig: ignore().add(text) }];
  }

  private ignored(rel: string, isDir: boolean, layers: IgnoreLayer[]): boolean {
    for (const { base, ig } of layers) {
      const sub = base ? (rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : null) : rel;
      if (sub && ig.ignores(isDir ? `${sub}/` : sub)) return true;
    }
    return false;
  }

  private async *walk(dir: Buffer, dirRel: string, parentLayers: IgnoreLayer[]): AsyncGenerator<ContentItem> {
    const layers = await this.loadIgnore(dir, dirRel, parentLayers);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      if (!isErrno(err)) throw err;
      this.gaps.push({ scope: dirRel || '.', reason: why(err) });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name.equals(DOT_GIT)) continue;
      const abs = Buffer.concat([dir, SLASH, entry.name]);
      const name = displayName(entry.name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (entry.isDirectory()) {
        if (!this.ignored(rel, true, layers)) yield* this.walk(abs, rel, layers);
        continue;
      }
      if (!entry.isFile() || this.ignored(rel, false, layers)) continue;
      const item = await readFileItem(abs, rel, this.opts.maxFileSize, this.gaps);
      if (item) yield item;
    }
  }
}

/**
 * Read one file, or note why it could not be read as a gap. The size limit is taken from the open
 * file, so it measures what is read: a symlink named directly (`follow`) by its target, and a file
 * swapped after the listing cannot slip past it. Walks open with O_NOFOLLOW.
 */
export async function readFileItem(
  abs: string | Buffer,
  rel: string,
  maxFileSize: number,
  gaps: CoverageGap[],
  follow = false,
): Promise<ContentItem | null> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(abs, follow ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NOFOLLOW);
    const { size } = await fh.stat();
    if (size > maxFileSize) return { key: rel, path: rel, size };
    const data = await fh.readFile();
    // A file that grew while being read is held to the same limit.
    if (data.length > maxFileSize) return { key: rel, path: rel, size: data.length };
    return { key: rel, path: rel, size: data.length, data };
  } catch (err) {
    if (!isErrno(err)) throw err;
    gaps.push({ scope: rel, reason: why(err) });
    return null;
  } finally {
    await fh?.close();
  }
}

/** A single file given as the target; it may be a symlink, which is followed. */
export class FileSource implements Source {
  readonly kind = 'directory';
  readonly gaps: CoverageGap[] = [];

  constructor(
    readonly file: string,
    private readonly maxFileSize: number,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    const item = await readFileItem(this.file, this.file, this.maxFileSize, this.gaps, true);
    if (item) yield item;
  }
}
