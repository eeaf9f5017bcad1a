import type { NhiId, Severity } from '../model.js';

export interface FileExample {
  path: string;
  content?: string;
}

/**
 * A file whose presence alone is the leak: a keystore, a shell history, Terraform state.
 * Reported as its own finding kind, at a lower severity than a confirmed secret inside it.
 */
export interface FileRule {
  id: string;
  title: string;
  severity: Severity;
  provider: string;
  /** Tested against the slash-separated path. */
  path: RegExp;
  /** When set, the file only counts if its text matches (a .pem holding a key, a dump with users). */
  content?: RegExp;
  /**
   * Content rules that report the credential this file is about (a .pem's key is `private-key`).
   * When one of them fired in the same file, the file finding is dropped: one secret, one finding.
   */
  coveredBy?: RegExp;
  nhi?: NhiId[];
  revoke: string;
  examples: { positive: FileExample[]; negative: FileExample[] };
}
