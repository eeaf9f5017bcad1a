import ora, { type Ora } from 'ora';
import type { Progress } from '../detect/engine.js';

/** A spinner on stderr, and only on a terminal: pipes and CI logs stay clean. */
export class Spinner {
  private readonly ora: Ora | null;
  private readonly started = Date.now();

  constructor(enabled: boolean) {
    this.ora = enabled && process.stderr.isTTY ? ora({ stream: process.stderr, text: 'starting' }).start() : null;
  }

  phase(text: string): void {
    if (this.ora) this.ora.text = text;
  }

  progress(p: Progress): void {
    if (!this.ora) return;
    const secs = (Date.now() - this.started) / 1000;
    const mb = p.bytes / 1024 / 1024;
    this.ora.text = `scanned ${p.blobs} blobs, ${mb.toFixed(1)} MiB (${(mb / Math.max(secs, 0.001)).toFixed(1)} MiB/s)`;
  }

  stop(): void {
    this.ora?.stop();
  }
}
