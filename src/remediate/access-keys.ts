import { constants } from 'node:fs';
import { access, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AwsClients, AwsTimeouts } from '../cloud/aws/clients.js';
import { describeAwsError } from '../cloud/aws/errors.js';
import {
  callerWithKey,
  createKey,
  deleteKey,
  isNotFound,
  keyLastUsed,
  listKeys,
  readStoredKey,
  setKeyStatus,
  storeKeyInSecret,
  type KeyMeta,
  type NewKey,
} from '../cloud/aws/mutate.js';
import { OutputError, ProviderError, UsageError } from '../errors.js';
import { defaultAuditLog, readAuditFile, skippedWarning } from './audit-log.js';
import { rejected, StepError, type Journal, type Step } from './plan.js';

/** `print` writes the key to stdout and resolves only once the bytes reached the OS. */
export type StoreTarget = { kind: 'secret'; id: string; force?: boolean } | { kind: 'file'; path: string; force: boolean } | { kind: 'print'; write: (text: string) => Promise<void> };

export interface RemediationEnv {
  clients: AwsClients;
  endpoint?: string;
  auditLog: string;
  sleep?: (ms: number) => Promise<void>;
  /** The clock the verify budget is measured on (tests pass a fake one with `sleep`). */
  now?: () => number;
  /** Attempts to prove a new key works while IAM propagates it. */
  verifyAttempts?: number;
  /** Timeouts of each verify call (--aws-timeout); default VERIFY_TIMEOUTS. */
  verifyTimeouts?: AwsTimeouts;
  /** The most time the verify step spends waiting for IAM to propagate the new key. */
  verifyBudgetMs?: number;
  /** Warnings (e.g. torn audit log lines) go here; the CLI sends them to stderr. */
  warn?: (line: string) => void;
}

/** A read-only AWS call while planning: not found is the user's input (exit 2), anything else exit 3. */
async function lookup<T>(call: string, fn: () => Promise<T>, notFound: () => string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) throw new UsageError(notFound());
    throw new ProviderError(`${call} failed: ${describeAwsError(err).message}; nothing was changed`);
  }
}

/**
 * Key ids and user names are checked before they reach a message or an API call: a secret access
 * key pasted in place of its id must not be echoed (nor sent anywhere).
 */
function checkIds(keyId: string, user: string | undefined): void {
  if (/^ASIA[A-Z0-9]{16}$/.test(keyId)) throw new UsageError(`${keyId} is a temporary (STS) key id: it cannot be deactivated; cut off its role's sessions with nhiscan revoke role-sessions ROLE`);
  if (!/^AKIA[A-Z0-9]{16}$/.test(keyId)) throw new UsageError('the key given is not an IAM access key id (AKIA and 16 capitals or digits); if that was a secret access key, give its id instead');
  if (user !== undefined && !/^[\w+=,.@-]{1,64}$/.test(user)) throw new UsageError('the user name given (--user, or from the report) is not an IAM user name (up to 64 letters, digits and +=,.@_-)');
}

export async function resolveUser(env: RemediationEnv, keyId: string, user?: string): Promise<string> {
  checkIds(keyId, user);
  if (user) return user;
  let owner: string | null;
  try {
    owner = (await keyLastUsed(env.clients, keyId)).user;
  } catch (err) {
    if (isNotFound(err)) throw new UsageError(`${keyId} is not an access key in this account (IAM knows no such key id)`);
    // AWS answers AccessDenied for a key id of another account too, so the way out is the same.
    throw new ProviderError(`cannot find the owner of ${keyId}: GetAccessKeyLastUsed failed (${describeAwsError(err).message}); pass --user; nothing was changed`);
  }
  if (!owner) throw new UsageError(`cannot find the owner of ${keyId}; pass --user`);
  return owner;
}

async function findKey(env: RemediationEnv, user: string, keyId: string): Promise<{ keys: KeyMeta[]; key: KeyMeta }> {
  const keys = await lookup('ListAccessKeys', () => listKeys(env.clients, user), () => `no IAM user named ${user}`);
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new UsageError(`${keyId} is not an access key of ${user}`);
  return { keys, key };
}

const listCmd = (user: string) => `aws iam list-access-keys --user-name ${user}`;
const unknownOutcome = 'the call got no clear answer';

const deactivateStep = (env: RemediationEnv, user: string, keyId: string): Step => ({
  action: 'deactivate-access-key',
  target: `${user}/${keyId}`,
  describe: `set ${keyId} (${user}) Inactive (reversible: UpdateAccessKey back to Active)`,
  state: {
    unchanged: () => `${keyId} unchanged (still Active)`,
    unknown: () => `${keyId} may or may not be Inactive now (${unknownOutcome}): check with ${listCmd(user)}`,
    done: () => `${keyId} is Inactive`,
  },
  run: () => setKeyStatus(env.clients, user, keyId, 'Inactive'),
});

/** `status` is the key's status when this step runs (a forced delete deactivates first). */
const deleteStep = (env: RemediationEnv, user: string, keyId: string, why: string, status: KeyMeta['status'], rest = ''): Step => ({
  action: 'delete-access-key',
  target: `${user}/${keyId}`,
  describe: `delete ${keyId} (${user}): ${why}`,
  state: {
    unchanged: () => `${keyId} not deleted (still ${status})${rest}`,
    unknown: () => `${keyId} may or may not be deleted (${unknownOutcome}): check with ${listCmd(user)}${rest}`,
    done: () => `${keyId} is deleted${rest}`,
  },
  run: () => deleteKey(env.clients, user, keyId),
});

/** `nhiscan revoke access-key`: deactivate (reversible), delete only when inactive or forced. */
export async function revokeKeySteps(env: RemediationEnv, keyId: string, opts: { user?: string; delete: boolean; force: boolean }): Promise<Step[]> {
  const user = await resolveUser(env, keyId, opts.user);
  const { key } = await findKey(env, user, keyId);
  const steps: Step[] = [];
  if (opts.delete) {
    if (key.status === 'Active' && !opts.force) {
      throw new UsageError(`${keyId} is active: deactivate it first (nhiscan revoke access-key ${keyId}), or pass --force to delete it at once`);
    }
    if (key.status === 'Active') steps.push(deactivateStep(env, user, keyId));
    steps.push(deleteStep(env, user, keyId, key.status === 'Active' ? 'forced' : 'already inactive', 'Inactive'));
  } else if (key.status === 'Active') {
    steps.push(deactivateStep(env, user, keyId));
  }
  return steps;
}

type Finding = { kind?: unknown; ruleId?: unknown; credential?: { id?: unknown }; evidence?: { user?: unknown } };

export interface ReportTarget {
  keyId: string;
  user: string;
  active: boolean;
}

/** A finding the report asks to act on that cannot be: `what` names it without echoing its values. */
export interface ReportSkip {
  what: string;
  why: string;
}

const REPORT_RULES: Record<string, string[]> = {
  'leaked-active': ['aws-leaked-key-active'],
  'leaked-inactive': ['aws-leaked-key-inactive'],
  leaked: ['aws-leaked-key-active', 'aws-leaked-key-inactive'],
};

function walkFindings(findings: unknown[], only: string | undefined, strict = true): { targets: ReportTarget[]; skipped: ReportSkip[] } {
  const rules = only ? REPORT_RULES[only] : REPORT_RULES.leaked;
  if (!rules) throw new UsageError(`--only must be one of ${Object.keys(REPORT_RULES).join(', ')}`);
  const out = new Map<string, ReportTarget>();
  const skipped: ReportSkip[] = [];
  findings.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const f = item as Finding;
    if (f.kind !== 'leak' || typeof f.ruleId !== 'string' || !rules.includes(f.ruleId)) return;
    const id = f.credential?.id;
    const user = f.evidence?.user;
    // Only a well-formed key id is named: the file is input, and a "key id" in it could be a secret.
    const okId = typeof id === 'string' && (strict ? /^AKIA[A-Z0-9]{16}$/.test(id) : id !== '');
    const what = `finding ${i + 1}${okId ? ` (${id})` : ''}`;
    if (!okId) return void skipped.push({ what, why: 'no IAM access key id in it' });
    if (typeof user !== 'string' || (strict && !/^[\w+=,.@-]{1,64}$/.test(user))) return void skipped.push({ what, why: 'no IAM user name in it (revoke it by hand with --user USER)' });
    out.set(id, { keyId: id, user, active: f.ruleId === 'aws-leaked-key-active' });
  });
  return { targets: [...out.values()], skipped };
}

/** The keys a findings list marks, without checking what produced it (see auditReportKeys). */
export function reportKeys(reportJson: string, only: string | undefined, source = 'the report'): ReportTarget[] {
  return walkFindings(findingsOf(reportJson, source).findings, only, false).targets;
}

function findingsOf(reportJson: string, source: string): { doc: { tool?: unknown; target?: unknown }; findings: unknown[] } {
  const needs = `${source} is not an nhiscan report: give the output of \`nhiscan audit -f json\``;
  let report: unknown;
  try {
    report = JSON.parse(reportJson);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UsageError(`${needs} (it is not JSON)`);
    throw err;
  }
  const doc = report as { findings?: unknown; tool?: unknown; target?: unknown };
  if (typeof report !== 'object' || report === null || Array.isArray(report) || !Array.isArray(doc.findings)) {
    throw new UsageError(`${needs} (it is not an object with a findings list)`);
  }
  return { doc, findings: doc.findings };
}

/**
 * Every key a saved audit report marks, in one plan, and the marked findings that cannot be acted
 * on. Only an nhiscan report with an AWS part (audit or aws) can mark a live key: a plain scan
 * report has no account, so "nothing to do" from it would be a false all-clear. `source` names
 * the file; the parser's own message is never shown (V8 quotes the input, and it may be a secret).
 */
export function auditReportKeys(reportJson: string, only: string | undefined, source = 'the report'): { targets: ReportTarget[]; skipped: ReportSkip[] } {
  const { doc, findings } = findingsOf(reportJson, source);
  if (doc.tool !== 'nhiscan') throw new UsageError(`${source} is not an nhiscan report (its "tool" is not "nhiscan"): give the output of \`nhiscan audit -f json\``);
  // The report's target ends in "aws" or "aws:ACCOUNT" when it read an AWS account.
  if (typeof doc.target !== 'string' || !/(^| \+ )aws(:\d{12})?$/.test(doc.target)) {
    throw new UsageError(`${source} has no AWS account part (is it a \`nhiscan scan\` report?): give the output of \`nhiscan audit -f json\`, which joins leaked keys with the account`);
  }
  return walkFindings(findings, only);
}

/** The documented way to kill sessions already issued: deny everything issued before now. */
export function revokeSessionsPolicy(now: Date): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'NhiscanRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } } }],
  };
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException)?.code;

/** A key file we wrote earlier; null when it is missing or holds no key (the overwrite check decides then). */
async function readFileKey(path: string): Promise<NewKey | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return null;
    throw new UsageError(`cannot read ${path} (${errno(err) ?? 'read failed'})`);
  }
  try {
    const doc = JSON.parse(text) as Partial<NewKey> | null;
    return typeof doc?.AccessKeyId === 'string' && typeof doc.SecretAccessKey === 'string' ? { AccessKeyId: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey } : null;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

async function storedKey(env: RemediationEnv, store: StoreTarget): Promise<NewKey | null> {
  if (store.kind === 'file') return readFileKey(store.path);
  if (store.kind === 'print') return null;
  const found = await lookup('GetSecretValue', () => readStoredKey(env.clients, store.id), () => `no Secrets Manager secret named ${store.id}`);
  // A new version would become AWSCURRENT for whatever reads that secret: only an access key is replaced unasked.
  if (found.exists && !found.key && !store.force) throw new UsageError(`Secrets Manager secret ${store.id} holds something other than an access key; refusing to put a new version in it (--force)`);
  return found.exists ? found.key : null;
}

function storeName(store: StoreTarget): string {
  return store.kind === 'secret' ? `Secrets Manager secret ${store.id}` : store.kind === 'file' ? `file ${store.path} (mode 0600)` : 'standard output';
}

/** Where the new key is, said as a fact. */
function storedIn(store: StoreTarget): string {
  return store.kind === 'secret' ? `stored in Secrets Manager secret ${store.id}` : store.kind === 'file' ? `stored in file ${store.path}` : 'printed on standard output';
}

/** Why a store failed, in words that never hold the value being stored. */
function storeFailure(err: unknown): string {
  // writeStdout's message speaks of "the report"; only its errno matters here.
  if (err instanceof OutputError) return `standard output could not be written (${/\(([A-Z0-9_]+)\)/.exec(err.message)?.[1] ?? 'write failed'})`;
  const code = errno(err);
  if (typeof code === 'string' && !(err as { $metadata?: unknown }).$metadata) return code;
  return describeAwsError(err).message;
}

/** Write the key file: 0600 before a byte of the secret is in it, never over a file without --force. */
async function writeKeyFile(path: string, text: string, force: boolean): Promise<void> {
  const fh = await open(path, force ? 'w' : 'wx', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

async function store(env: RemediationEnv, target: StoreTarget, key: NewKey): Promise<{ requestId?: string | null }> {
  if (target.kind === 'secret') return storeKeyInSecret(env.clients, target.id, key);
  const json = `${JSON.stringify({ AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey }, null, 2)}\n`;
  if (target.kind === 'file') await writeKeyFile(target.path, json, target.force);
  else await target.write(json);
  return {};
}

export interface RotationPlan {
  user: string;
  steps: Step[];
  /** Set by the create step, or found in the store on resume. */
  newKey: () => NewKey | null;
  resumed: boolean;
  /** Called once the plan ran: the lines name the new key. */
  next: () => string[];
}

/**
 * The create step: create, then store at once. A store that fails (an unwritable file, a closed
 * stdout, a refused secret) deletes the new key again, because its secret exists nowhere else;
 * the state printed is what happened to it, with the command to finish by hand when clean-up failed.
 */
function createStep(env: RemediationEnv, user: string, oldKey: string, target: StoreTarget, keep: (k: NewKey) => void): Step {
  const untouched = `${oldKey} is untouched (still Active)`;
  // The new key's id while its store (or the clean-up after a failed store) is under way.
  let pending: string | null = null;
  return {
    action: 'create-access-key',
    target: user,
    describe: `create a new access key for ${user} and store it at once in ${storeName(target)}`,
    state: {
      unchanged: () => `no new key was created; ${untouched}`,
      unknown: () => `IAM may have created a new key for ${user} whose secret nhiscan never received (${unknownOutcome}); ${untouched}: check with ${listCmd(user)}; re-running this command replaces such a key`,
      done: () => `a new key is ${storedIn(target)}; ${untouched}`,
      midway: () =>
        pending
          ? `the new key ${pending} is Active in IAM and storing it in ${storeName(target)} had not finished: if that does not hold ${pending}, delete it by hand with aws iam delete-access-key --user-name ${user} --access-key-id ${pending}; ${untouched}`
          : `IAM may have created a new key for ${user} whose secret nhiscan never received: check with ${listCmd(user)}; ${untouched}`,
    },
    run: async (j: Journal) => {
      const created = await createKey(env.clients, user);
      const id = created.key.AccessKeyId;
      pending = id;
      const keyTarget = `${user}/${id}`;
      let stored: { requestId?: string | null };
      try {
        // The store's intent goes first, whatever the store: a re-run reads these records to tell a
        // key that was stored (never deleted unasked) from one whose secret was lost. If the log
        // broke, store anyway (losing the key is worse); the run stops after this step.
        await j.record('store-access-key', keyTarget, 'intent', { detail: storeName(target) });
        stored = await store(env, target, created.key);
      } catch (err) {
        // The expected case: the store failed. Record what exists, then clean up.
        const why = storeFailure(err);
        await j.record('create-access-key', user, 'ok', { requestId: created.requestId, detail: `created ${id}; storing it failed` });
        await j.record('store-access-key', keyTarget, 'failed', { detail: `${storeName(target)}: ${why}` });
        await j.record('delete-access-key', keyTarget, 'intent', { detail: 'clean-up: the new key could not be stored' });
        const byHand = `aws iam delete-access-key --user-name ${user} --access-key-id ${id}`;
        try {
          const d = await deleteKey(env.clients, user, id);
          await j.record('delete-access-key', keyTarget, 'ok', { requestId: d.requestId ?? null, detail: 'clean-up: the new key could not be stored' });
        } catch (cleanup) {
          // The expected case: the clean-up delete failed; the key may still be live.
          await j.record('delete-access-key', keyTarget, 'failed', { detail: describeAwsError(cleanup).message });
          const still = rejected(cleanup) ? `the new key ${id} is still Active in IAM but its secret was not stored anywhere (it is lost)` : `the new key ${id} may still be Active in IAM (the clean-up delete ${unknownOutcome}) and its secret was not stored anywhere`;
          throw new StepError(`storing the new key failed (${why}) and deleting it again failed too (${describeAwsError(cleanup).message})`, `${still}: delete it by hand with ${byHand}; ${untouched}`);
        }
        throw new StepError(`storing the new key failed (${why})`, `the new key ${id} could not be stored, so it was deleted again; ${untouched}`);
      }
      await j.record('store-access-key', keyTarget, 'ok', { ...(stored.requestId !== undefined ? { requestId: stored.requestId } : {}), detail: storeName(target) });
      keep(created.key);
      pending = null;
      return { requestId: stored.requestId ?? created.requestId, detail: `${id} stored in ${storeName(target)}` };
    },
  };
}

/** IAM takes a few seconds to accept a new key everywhere; these errors mean "not yet". */
const NOT_YET = /InvalidClientTokenId|SignatureDoesNotMatch|AuthFailure|UnrecognizedClient/;

/**
 * Retry while IAM propagates, within a total budget: each attempt ends by the verify client's own
 * timeouts, and the waits between attempts stop once the budget would be exceeded.
 */
async function verifyKey(env: RemediationEnv, key: NewKey): Promise<string> {
  const attempts = env.verifyAttempts ?? 12;
  const budget = env.verifyBudgetMs ?? 45_000;
  const sleep = env.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = env.now ?? Date.now;
  const start = now();
  for (let i = 0; ; i++) {
    try {
      return await callerWithKey(env.clients, key, env.endpoint, env.verifyTimeouts);
    } catch (err) {
      const delay = Math.min(2000 * (i + 1), 10_000);
      // Anything but "not yet" (denied, no answer, a timeout) will not get better by waiting.
      if (!NOT_YET.test(describeAwsError(err).message) || i + 1 >= attempts || now() - start + delay > budget) throw err;
      await sleep(delay);
    }
  }
}

/** What the audit log proves about a key an earlier rotation created. */
type KeyFate = { kind: 'stored' | 'unknown'; where: string } | { kind: 'orphan' | 'no-record' };

/**
 * `stored`: a store of it succeeded (or the create step says so, in logs older than the store
 * record). `unknown`: a store began and has no outcome. `orphan`: storing it failed, and nothing
 * stored it since. The log is read in its settled view, so an intent followed by its outcome is
 * the outcome.
 */
async function keyFate(env: RemediationEnv, user: string, id: string): Promise<KeyFate> {
  const { entries, skipped } = await readAuditFile(env.auditLog);
  const warning = skippedWarning(env.auditLog, skipped);
  if (warning) env.warn?.(warning);
  let fate: KeyFate = { kind: 'no-record' };
  for (const e of entries) {
    const where = e.detail?.replace(/: .*$/, '') ?? 'the store';
    if (e.action === 'store-access-key' && e.target === `${user}/${id}`) {
      if (e.result === 'ok') fate = { kind: 'stored', where };
      else if (e.result === 'intent' && fate.kind !== 'stored') fate = { kind: 'unknown', where };
      else if (e.result === 'failed' && fate.kind !== 'stored') fate = { kind: 'orphan' };
    } else if (e.action === 'create-access-key' && e.target === user && e.result === 'ok' && e.detail?.startsWith(`${id} stored in `)) {
      fate = { kind: 'stored', where: e.detail.slice(`${id} stored in `.length) };
    }
  }
  return fate;
}

/** Shell-quoted, for a command printed to be pasted. */
/**
 * One argument for a printed command, quoted so it runs as printed. A value with control
 * characters becomes bash's $'…' form with \xNN escapes: the printed line stays free of raw
 * escapes and still names the same file when pasted.
 */
const sh = (s: string): string => {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  // The characters the writers escape (C0, DEL, C1, bidi and line separators).
  const hidden = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  if (hidden.test(s)) {
    const body = [...s].map((c) => {
      const code = c.charCodeAt(0);
      if (c === '\\' || c === "'") return `\\${c}`;
      if (!hidden.test(c)) return c;
      return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
    return `$'${body.join('')}'`;
  }
  return `'${s.replace(/'/g, `'\\''`)}'`;
};

/** The --audit-log a printed command needs to find this run's records (none for the default). */
const logArg = (env: RemediationEnv) => (env.auditLog === defaultAuditLog() ? '' : ` --audit-log ${sh(env.auditLog)}`);

/**
 * AWS's documented order: make room, create, store before anything else, verify the new key,
 * deactivate the old one (the rollback point), finish later. Re-running after an interruption
 * resumes from what the store and ListAccessKeys show; it never creates a third key.
 */
export async function rotateKeyPlan(env: RemediationEnv, keyId: string, opts: { user?: string; store: StoreTarget; deactivateOld: boolean }): Promise<RotationPlan> {
  const user = await resolveUser(env, keyId, opts.user);
  const { keys, key: old } = await findKey(env, user, keyId);
  if (old.status !== 'Active') throw new UsageError(`${keyId} is already inactive: finish it with nhiscan rotate finish ${keyId}`);
  const others = keys.filter((k) => k.id !== keyId);
  const saved = await storedKey(env, opts.store);
  let newKey: NewKey | null = null;
  let resumed = false;
  const steps: Step[] = [];
  const untouched = `; no new key was created; ${keyId} is untouched (still Active)`;

  if (saved && others.some((k) => k.id === saved.AccessKeyId)) {
    newKey = saved;
    resumed = true;
  } else if (others.length > 0) {
    const other = others[0]!;
    if (other.status === 'Inactive') {
      steps.push(deleteStep(env, user, other.id, 'an inactive key blocks the second slot (a user holds at most 2 keys)', 'Inactive', untouched));
    } else {
      const { lastUsed } = await lookup('GetAccessKeyLastUsed', () => keyLastUsed(env.clients, other.id), () => `${other.id} vanished while planning; re-run`);
      const newer = other.created && old.created ? Date.parse(other.created) > Date.parse(old.created) : false;
      if (!lastUsed && newer) {
        // Newer and never used is not proof of an orphan: IAM's last-used date lags, and the key may
        // have been printed, or stored elsewhere, and deployed already. Only the audit log can prove
        // its secret was never stored; anything less is refused, with the command to do it by hand.
        const fate = await keyFate(env, user, other.id);
        const byHand = `aws iam delete-access-key --user-name ${user} --access-key-id ${other.id}`;
        if (fate.kind === 'orphan') {
          steps.push(deleteStep(env, user, other.id, `newer, never used, and ${env.auditLog} records that storing it failed: left by an interrupted rotation`, 'Active', untouched));
        } else if (fate.kind === 'stored' && opts.store.kind === 'print' && fate.where === storeName(opts.store)) {
          throw new UsageError(
            `${other.id} was printed by an earlier rotation of ${keyId} (${env.auditLog}) and nhiscan cannot read a printed key back to verify it: once it is deployed and works, deactivate the old key with nhiscan revoke access-key ${keyId} --user ${user}${logArg(env)}; nothing was changed`,
          );
        } else if (fate.kind === 'stored') {
          throw new UsageError(
            `${other.id} was created and stored in ${fate.where} by an earlier rotation (${env.auditLog}), so it is not deleted: resume with that same store; if its secret is really lost, delete it by hand with ${byHand}; nothing was changed`,
          );
        } else if (fate.kind === 'unknown') {
          throw new UsageError(
            `${other.id} was being stored in ${fate.where} when an earlier rotation stopped (${env.auditLog} has no outcome), so it may be in use: check that store; if it does not hold ${other.id}, delete it by hand with ${byHand}; nothing was changed`,
          );
        } else {
          throw new UsageError(
            `${user} already has a second active key ${other.id} (newer, never used) that ${env.auditLog} has no record of, so nhiscan cannot prove it is an orphan: if nothing uses it, delete it by hand with ${byHand}; nothing was changed`,
          );
        }
      } else {
        throw new UsageError(`${user} already has two active keys (${keyId}, ${other.id}); revoke or finish one before rotating`);
      }
    }
  }

  if (!resumed && opts.store.kind === 'file') {
    const path = opts.store.path;
    // Found now, before a key exists, rather than as a failed store that has to delete it again.
    await access(dirname(path), constants.W_OK).catch((err: unknown) => {
      throw new UsageError(`cannot write ${path}: its directory is not writable (${errno(err) ?? 'access failed'}); nothing was changed`);
    });
    if (!opts.store.force) {
      const exists = await access(path).then(
        () => true,
        (err: unknown) => {
          if (errno(err) === 'ENOENT') return false;
          throw new UsageError(`cannot check ${path} (${errno(err) ?? 'access failed'})`);
        },
      );
      if (exists) throw new UsageError(`${path} exists; refusing to overwrite it (--force)`);
    }
  }

  if (!resumed) steps.push(createStep(env, user, keyId, opts.store, (k) => (newKey = k)));

  const newId = () => newKey?.AccessKeyId ?? 'the new key';
  // A printed key cannot be read back, so only the other stores resume on a re-run.
  const resume =
    opts.store.kind === 'print'
      ? `: once the new key works, deactivate the old one with aws iam update-access-key --user-name ${user} --access-key-id ${keyId} --status Inactive`
      : ': re-run this command to resume';
  if (opts.deactivateOld) {
    steps.push({
      action: 'verify-access-key',
      target: user,
      describe: `verify the new key works (sts:GetCallerIdentity signed with it, retried while IAM propagates)`,
      state: {
        // Kept in the words the README documents: "the new key is stored in …; the old key … is still active".
        unchanged: () => `the new key is ${storedIn(opts.store)} (${newId()}); the old key ${keyId} is still active${resume}`,
        done: () => `the new key is ${storedIn(opts.store)} (${newId()}) and verified; the old key ${keyId} is still active`,
      },
      run: async () => {
        const key = newKey;
        if (!key) throw new Error('no new key to verify');
        return { detail: `signed in as ${await verifyKey(env, key)}` };
      },
    });
    const deactivate = deactivateStep(env, user, keyId);
    steps.push({
      ...deactivate,
      state: {
        unchanged: () => `the new key is stored and verified; the old key ${keyId} is still active (${newId()} is ${storedIn(opts.store)}): deactivate it with aws iam update-access-key --user-name ${user} --access-key-id ${keyId} --status Inactive${opts.store.kind === 'print' ? '' : ', or re-run this command'}`,
        unknown: () => `the new key is stored and verified (${newId()} is ${storedIn(opts.store)}); ${deactivate.state.unknown!()}`,
        done: () => `the new key ${newId()} is ${storedIn(opts.store)} and verified; the old key ${keyId} is Inactive`,
      },
    });
  }

  // Every command printed here must run as printed (the tests run each with --dry-run).
  const who = `${keyId} --user ${sh(user)}${logArg(env)}`;
  const finish = `nhiscan rotate finish ${who}`;
  const storeArg = opts.store.kind === 'secret' ? `--to-secret ${sh(opts.store.id)}` : opts.store.kind === 'file' ? `--to-file ${sh(opts.store.path)}` : '';
  const next = (): string[] => opts.deactivateOld
    ? [`Watch for anything failing, then delete the old key: ${finish}`, `Roll back if needed: aws iam update-access-key --user-name ${user} --access-key-id ${keyId} --status Active`]
    : opts.store.kind === 'print'
      ? [
          `Deploy the printed key ${newId()} to everything that used ${keyId}.`,
          // A printed key cannot be read back, so there is nothing to resume: deactivating is the next step.
          `Then, once the new key works, deactivate the old one: nhiscan revoke access-key ${who}`,
          `Finally, once nothing fails: ${finish}`,
        ]
      : [
          `Deploy the new key from ${storeName(opts.store)} to everything that used ${keyId}.`,
          `Then resume (verifies the new key, deactivates the old one): nhiscan rotate access-key ${who} ${storeArg} --deactivate-old`,
          `Finally, once nothing fails: ${finish}`,
        ];
  return { user, steps, newKey: () => newKey, resumed, next };
}

/** Delete an old key after rotation, only if it shows no use since it was deactivated. */
export async function finishSteps(env: RemediationEnv, keyId: string, opts: { user?: string; force: boolean }): Promise<Step[]> {
  const user = await resolveUser(env, keyId, opts.user);
  const { key } = await findKey(env, user, keyId);
  if (key.status === 'Active' && !opts.force) throw new UsageError(`${keyId} is still active: deactivate it first (rotate with --deactivate-old, or revoke), or --force`);
  if (!opts.force) {
    const { entries, skipped } = await readAuditFile(env.auditLog);
    const warning = skippedWarning(env.auditLog, skipped);
    if (warning) env.warn?.(warning);
    const deactivated = entries
      .filter((e) => e.action === 'deactivate-access-key' && e.target === `${user}/${keyId}` && e.result === 'ok')
      .map((e) => e.time)
      .pop();
    if (!deactivated) throw new UsageError(`no record in ${env.auditLog} of when ${keyId} was deactivated, so nhiscan cannot tell whether it was used since; check, then use --force`);
    const { lastUsed } = await lookup('GetAccessKeyLastUsed', () => keyLastUsed(env.clients, keyId), () => `${keyId} is not an access key in this account`);
    if (lastUsed && Date.parse(lastUsed) > Date.parse(deactivated)) {
      throw new UsageError(`${keyId} was used at ${lastUsed}, after it was deactivated at ${deactivated}: something still depends on it (--force to delete anyway)`);
    }
  }
  return [deleteStep(env, user, keyId, 'rotation finished', key.status)];
}
