import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { CoverageGap } from '../model.js';
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

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
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
    yield* this.walk(this.root, []);
  }

  private async loadIgnore(dir: string, layers: IgnoreLayer[]): Promise<IgnoreLayer[]> {
    if (!this.opts.useIgnore) return layers;
    try {
      const text = await readFile(join(dir, '.gitignore'), 'utf8');
      return [...layers, { base: toPosix(relative(this.root, dir)), ig: ignore().add(text) }];
    } catch {
      return layers;
    }
  }

  private ignored(rel: string, isDir: boolean, layers: IgnoreLayer[]): boolean {
    for (const { base, ig } of layers) {
      const sub = base ? (rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : null) : rel;
      if (sub && ig.ignores(isDir ? `${sub}/` : sub)) return true;
    }
    return false;
  }

  private async *walk(dir: string, parentLayers: IgnoreLayer[]): AsyncGenerator<ContentItem> {
    const layers = await this.loadIgnore(dir, parentLayers);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      this.gaps.push({ scope: toPosix(relative(this.root, dir)) || '.', reason: (err as Error).message });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === '.git' && entry.isDirectory()) continue;
      const abs = join(dir, entry.name);
      const rel = toPosix(relative(this.root, abs));
      if (entry.isDirectory()) {
        if (!this.ignored(rel, true, layers)) yield* this.walk(abs, layers);
        continue;
      }
      if (!entry.isFile() || this.ignored(rel, false, layers)) continue;
      const item = await readFileItem(abs, rel, this.opts.maxFileSize, this.gaps);
      if (item) yield item;
    }
  }
}

/** Read one file, or note why it could not be read; never throws. */
export async function readFileItem(abs: string, rel: string, maxFileSize: number, gaps: CoverageGap[]): Promise<ContentItem | null> {
  try {
    const { size } = await lstat(abs);
    if (size > maxFileSize) return { key: rel, path: rel, size };
    const fh = await open(abs, 'r');
    try {
      return { key: rel, path: rel, size, data: await fh.readFile() };
    } finally {
      await fh.close();
    }
  } catch (err) {
    gaps.push({ scope: rel, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
    return null;
  }
}

/** A single file given as the target. */
export class FileSource implements Source {
  readonly kind = 'directory';
  readonly gaps: CoverageGap[] = [];

  constructor(
    readonly file: string,
    private readonly maxFileSize: number,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    const item = await readFileItem(this.file, this.file, this.maxFileSize, this.gaps);
    if (item) yield item;
  }
}
