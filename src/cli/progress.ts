import type { Ora } from 'ora';
import type { Progress } from '../detect/engine.js';

/**
 * A spinner on stderr, and only on a terminal: pipes and CI logs stay clean. ora is loaded only
 * then, so scripted runs (pre-commit, CI) do not pay for it at start-up.
 */
export class Spinner {
  private ora: Ora | null = null;
  private text = 'starting';
  private readonly started = Date.now();
  private stopped = false;

  constructor(enabled: boolean) {
    // A terminal that reports no width (0 columns, as under some `script`/CI wrappers) makes ora
    // redraw forever; no spinner there.
    if (!enabled || !process.stderr.isTTY || !(process.stderr.columns > 0)) return;
    void import('ora').then(({ default: ora }) => {
      if (!this.stopped) this.ora = ora({ stream: process.stderr, text: this.text }).start();
    });
  }

  phase(text: string): void {
    this.text = text;
    if (this.ora) this.ora.text = text;
  }

  progress(p: Progress): void {
    const secs = (Date.now() - this.started) / 1000;
    const mb = p.bytes / 1024 / 1024;
    this.phase(`scanned ${p.blobs} blobs, ${mb.toFixed(1)} MiB (${(mb / Math.max(secs, 0.001)).toFixed(1)} MiB/s)`);
  }

  stop(): void {
    this.stopped = true;
    this.ora?.stop();
  }
}
