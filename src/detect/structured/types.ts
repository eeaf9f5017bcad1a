// Shapes shared by the format readers and the judge of the structured config stage.

/** How much evidence a value needs before it is a finding, set by what kind of file it sits in. */
export type Tier =
  /** Env files, shell profiles, tool configs, deployment values: a weak password is still a leak. */
  | 'credential'
  /** Other YAML/JSON/XML/TOML of unknown purpose: a password must at least not be a bare word. */
  | 'config'
  /** Tests, fixtures, examples, templates, vendored trees: only random-looking values. */
  | 'strict';

export type Format = 'env' | 'properties' | 'ini' | 'toml' | 'space' | 'yaml' | 'json' | 'xml';

/** Tool configs whose credentials are encoded or placed by the tool, not by a key name. */
export type Tool = 'docker' | 'dockercfg' | 'filezilla';

export interface FileContext {
  format: Format;
  tier: Tier;
  tool?: Tool;
}

/**
 * One value read from a file with the keys that lead to it. `start`/`end` are the raw source
 * span (inside quotes), so `text.slice(start, end) === value` always holds: escapes stay as written.
 */
export interface Pair {
  keys: string[];
  value: string;
  start: number;
  end: number;
  /** XML: the element declared its text base64 (FileZilla `<Pass encoding="base64">`). */
  base64?: boolean;
  /** XML: the `Host` sibling read before this value, to say which server a password is for. */
  host?: string;
}

/** The tree JSON and YAML are both read into, so one walker pairs keys and values for both. */
export type Node =
  | { kind: 'str'; value: string; start: number; end: number }
  | { kind: 'map'; entries: Array<[string, Node]> }
  | { kind: 'seq'; items: Node[] }
  /** Numbers, booleans, nulls, tagged or block scalars: never a finding. */
  | { kind: 'other' };

/** Deeper nesting than this is hostile input: the reader gives up and the line fallback runs. */
export const MAX_DEPTH = 200;
