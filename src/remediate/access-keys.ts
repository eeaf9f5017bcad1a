import { constants } from 'node:fs';
import { access, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  type KeyUse,
  type NewKey,
} from '../cloud/aws/mutate.js';
import { OutputError, ProviderError, UsageError } from '../errors.js';
import { defaultAuditLog, readAuditFile, skippedWarning } from './audit-log.js';
import { rejected, StepError, type Journal, type Step } from './plan.js';

/** `print` writes the key to stdout and resolves only once the bytes reached the OS. */
export type StoreTarget =
  | { kind: 'secret'; id: string; force?: boolean }
  /** `isDefault`: no store was named, so the file is defaultKeyFile() and its directory is created (0700). */
  | { kind: 'file'; path: string; force: boolean; isDefault?: boolean }
  | { kind: 'print'; write: (text: string) => Promise<void> };

/**
 * Where `rotate access-key` stores the new key when no store is named: a 0600 file in a 0700
 * directory of the user's own, named after the key it replaces so that a re-run finds it (and
 * resumes) instead of creating another. Never the working directory: that is often the very
 * repository the old key leaked from.
 */
export function defaultKeyFile(oldKeyId: string, home: string): string {
  return join(home, '.nhiscan', 'keys', `replaces-${oldKeyId}.json`);
}

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
  /** A key used within this many hours is not deactivated or deleted without --force or a typed confirmation (default 24; 0: never asks). */
  recentUseHours?: number;
  /** The account the credentials are in (GetCallerIdentity), to refuse a report of another account. */
  account?: string | null;
}

/** "3 h ago", "2 days ago": how long ago a key was last used, for the plan. */
export function ago(iso: string, now = Date.now()): string {
  const mins = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (mins < 90) return `${mins} min ago`;
  const hours = Math.round(mins / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** A key's last use, read-only, while planning (not found: the key vanished, the user's input). */
async function useOf(env: RemediationEnv, keyId: string): Promise<KeyUse> {
  return lookup('GetAccessKeyLastUsed', () => keyLastUsed(env.clients, keyId), () => `${keyId} is not an access key in this account (IAM knows no such key id)`);
}

/**
 * The plan's last-use line for a key step and, when it was used within the window, why the step
 * needs --force or a typed confirmation. `what` is the step's verb ("deactivating", "deleting").
 */
function useNote(env: RemediationEnv, keyId: string, use: KeyUse, what: string): Pick<Step, 'lastUse' | 'recentUse' | 'confirmWord'> {
  if (!use.lastUsed) return { lastUse: `${keyId} last used: never (IAM has no record of its use)` };
  const where = `${use.service ? ` by ${use.service}` : ''}${use.region ? ` in ${use.region}` : ''}`;
  const lastUse = `${keyId} last used: ${use.lastUsed} (${ago(use.lastUsed)})${where}`;
  const hours = env.recentUseHours ?? 24;
  const recent = hours > 0 && Date.now() - Date.parse(use.lastUsed) < hours * 3_600_000;
  if (!recent) return { lastUse };
  return {
    lastUse,
    // A leaked key in use may be the attacker, or a workload that breaks: the responder decides.
    recentUse: `${keyId} was used ${ago(use.lastUsed)}${where}, within the last ${hours} h: ${what} it stops whatever still uses it (a workload, or whoever holds the leaked key)`,
    confirmWord: keyId,
  };
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
export function checkIds(keyId: string, user: string | undefined): void {
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

const deactivateStep = (env: RemediationEnv, user: string, keyId: string, use?: KeyUse): Step => ({
  action: 'deactivate-access-key',
  target: `${user}/${keyId}`,
  describe: `set ${keyId} (${user}) Inactive (reversible: UpdateAccessKey back to Active)`,
  ...(use ? useNote(env, keyId, use, 'deactivating') : {}),
  before: () => `${keyId} Active`,
  after: () => `${keyId} Inactive`,
  state: {
    unchanged: () => `${keyId} unchanged (still Active)`,
    unknown: () => `${keyId} may or may not be Inactive now (${unknownOutcome}): check with ${listCmd(user)}`,
    done: () => `${keyId} is Inactive`,
  },
  run: () => setKeyStatus(env.clients, user, keyId, 'Inactive'),
});

/** `status` is the key's status when this step runs (a forced delete deactivates first). */
const deleteStep = (env: RemediationEnv, user: string, keyId: string, why: string, status: KeyMeta['status'], rest = '', use?: KeyUse): Step => ({
  action: 'delete-access-key',
  target: `${user}/${keyId}`,
  describe: `delete ${keyId} (${user}): ${why}`,
  ...(use ? useNote(env, keyId, use, 'deleting') : {}),
  before: () => `${keyId} ${status}`,
  after: () => `${keyId} deleted`,
  state: {
    unchanged: () => `${keyId} not deleted (still ${status})${rest}`,
    unknown: () => `${keyId} may or may not be deleted (${unknownOutcome}): check with ${listCmd(user)}${rest}`,
    done: () => `${keyId} is deleted${rest}`,
  },
  run: () => deleteKey(env.clients, user, keyId),
});

/** `nhiscan revoke access-key`: deactivate (reversible), delete only when inactive or forced. */
export async function revokeKeySteps(env: RemediationEnv, keyId: string, opts: { user?: string; delete: boolean; force: boolean; seen?: (keys: KeyMeta[]) => void }): Promise<Step[]> {
  const user = await resolveUser(env, keyId, opts.user);
  const { key, keys } = await findKey(env, user, keyId);
  opts.seen?.(keys);
  const steps: Step[] = [];
  if (!opts.delete && key.status !== 'Active') return steps;
  const use = await useOf(env, keyId);
  if (opts.delete) {
    if (key.status === 'Active' && !opts.force) {
      throw new UsageError(`${keyId} is active: deactivate it first (nhiscan revoke access-key ${keyId}), or pass --force to delete it at once`);
    }
    if (key.status === 'Active') steps.push(deactivateStep(env, user, keyId, use));
    steps.push(deleteStep(env, user, keyId, key.status === 'Active' ? 'forced' : 'already inactive', 'Inactive', '', key.status === 'Active' ? undefined : use));
  } else {
    steps.push(deactivateStep(env, user, keyId, use));
  }
  return steps;
}

/**
 * A finding as read from a report file: input, so every field is checked. Reports since the typed
 * leak model (src/model.ts LeakFinding) carry `cloud.state` and the owner in `identity.name`;
 * older ones only `evidence.user` and the rule id, still accepted.
 */
type Finding = {
  kind?: unknown;
  ruleId?: unknown;
  credential?: { id?: unknown };
  identity?: { arn?: unknown; name?: unknown; kind?: unknown };
  cloud?: { match?: unknown; state?: { status?: unknown } | null };
  evidence?: { user?: unknown };
};

/** Whether a leak finding names a key the account holds, and its status; null when it does not. */
function leakState(f: Finding): { user: unknown; active: boolean } | null {
  if (f.cloud !== undefined) {
    const status = f.cloud?.state?.status;
    if (f.cloud?.match !== 'in-account' || (status !== 'Active' && status !== 'Inactive')) return null;
    return { user: f.identity?.name, active: status === 'Active' };
  }
  // Older report: the rule id says the status, evidence.user the owner.
  if (f.ruleId !== 'aws-leaked-key-active' && f.ruleId !== 'aws-leaked-key-inactive') return null;
  return { user: f.evidence?.user, active: f.ruleId === 'aws-leaked-key-active' };
}

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

/** `--only`: which leaked keys of the account to act on, by their status there. */
const REPORT_ONLY: Record<string, (active: boolean) => boolean> = {
  'leaked-active': (active) => active,
  'leaked-inactive': (active) => !active,
  leaked: () => true,
};

function walkFindings(findings: unknown[], only: string | undefined, strict = true): { targets: ReportTarget[]; skipped: ReportSkip[] } {
  const wanted = only ? REPORT_ONLY[only] : REPORT_ONLY.leaked;
  if (!wanted) throw new UsageError(`--only must be one of ${Object.keys(REPORT_ONLY).join(', ')}`);
  const out = new Map<string, ReportTarget>();
  const skipped: ReportSkip[] = [];
  findings.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const f = item as Finding;
    if (f.kind !== 'leak') return;
    const state = leakState(f);
    if (!state || !wanted(state.active)) return;
    const id = f.credential?.id;
    const user = state.user;
    // Only a well-formed key id is named: the file is input, and a "key id" in it could be a secret.
    const okId = typeof id === 'string' && (strict ? /^AKIA[A-Z0-9]{16}$/.test(id) : id !== '');
    const what = `finding ${i + 1}${okId ? ` (${id})` : ''}`;
    if (!okId) return void skipped.push({ what, why: 'no IAM access key id in it' });
    if (typeof user !== 'string' || (strict && !/^[\w+=,.@-]{1,64}$/.test(user))) return void skipped.push({ what, why: 'no IAM user name in it (revoke it by hand with --user USER)' });
    out.set(id, { keyId: id, user, active: state.active });
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
export function auditReportKeys(reportJson: string, only: string | undefined, source = 'the report'): { targets: ReportTarget[]; skipped: ReportSkip[]; account: string | null } {
  const { doc, findings } = findingsOf(reportJson, source);
  if (doc.tool !== 'nhiscan') throw new UsageError(`${source} is not an nhiscan report (its "tool" is not "nhiscan"): give the output of \`nhiscan audit -f json\``);
  // The report's target ends in "aws" or "aws:ACCOUNT" when it read an AWS account.
  if (typeof doc.target !== 'string' || !/(^| \+ )aws(:\d{12})?$/.test(doc.target)) {
    throw new UsageError(`${source} has no AWS account part (is it a \`nhiscan scan\` report?): give the output of \`nhiscan audit -f json\`, which joins leaked keys with the account`);
  }
  // The account the report read: its target says so ("aws:ACCOUNT"); older reports only in the leak findings' ARNs.
  const fromTarget = /aws:(\d{12})$/.exec(doc.target)?.[1];
  const fromArn = findings
    .map((f) => (f as Finding)?.identity?.arn)
    .map((arn) => (typeof arn === 'string' ? /^arn:aws[\w-]*:iam::(\d{12}):user\//.exec(arn)?.[1] : undefined))
    .find(Boolean);
  return { ...walkFindings(findings, only), account: fromTarget ?? fromArn ?? null };
}

/** The command that deletes an inactive key, as printed (runs as printed). */
export function revokeDeleteCommand(env: RemediationEnv, keyId: string, user: string): string {
  return `nhiscan revoke access-key ${keyId} --user ${sh(user)}${logArg(env)} --delete`;
}

/** What to run after a key was deactivated: its replacement (created, stored, verified), then the old key's deletion. */
export function nextAfterRevoke(env: RemediationEnv, keyId: string, user: string, otherActive: string | null = null): string[] {
  const who = `${keyId} --user ${sh(user)}${logArg(env)}`;
  // The user still holds a working key: nothing to replace (and rotate would find no free slot).
  if (otherActive) return [`${user} still has the active key ${otherActive}; once nothing fails without ${keyId}, delete it: nhiscan rotate finish ${who}`];
  return [
    `create, store and verify a replacement (${keyId} stays Inactive; the new key goes to ${defaultKeyFile(keyId, '~')} unless --to-file or --to-secret is given): nhiscan rotate access-key ${who}`,
    `then, once the new key is deployed and nothing fails, delete the old key: nhiscan rotate finish ${who}`,
  ];
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
    // A device or pipe keeps its mode (see writePrivateFile): chmod as root would change it for everyone.
    if ((await fh.stat()).isFile()) await fh.chmod(0o600);
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

async function store(env: RemediationEnv, target: StoreTarget, key: NewKey): Promise<{ requestId?: string | null }> {
  if (target.kind === 'secret') return storeKeyInSecret(env.clients, target.id, key);
  const json = `${JSON.stringify({ AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey }, null, 2)}\n`;
  if (target.kind === 'file') {
    // The default directory is ours to make, private; a named file's directory is the user's (checked while planning).
    if (target.isDefault) await mkdir(dirname(target.path), { recursive: true, mode: 0o700 });
    await writeKeyFile(target.path, json, target.force);
  }
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
function createStep(env: RemediationEnv, user: string, oldKey: string, oldStatus: KeyMeta['status'], target: StoreTarget, keep: (k: NewKey) => void): Step {
  const untouched = `${oldKey} is untouched (still ${oldStatus})`;
  let createdId: string | null = null;
  // The new key's id while its store (or the clean-up after a failed store) is under way.
  let pending: string | null = null;
  return {
    action: 'create-access-key',
    target: user,
    describe: `create a new access key for ${user} and store it at once in ${storeName(target)}`,
    before: () => `${user} has no new key; ${oldKey} ${oldStatus}`,
    after: () => `${createdId ?? 'a new key'} Active, stored in ${storeName(target)}; ${oldKey} ${oldStatus}`,
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
      createdId = id;
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
  // A leaked key is deactivated first (revoke), then rotated: an inactive old key is the normal
  // case, not a refusal. It stays Inactive; only `rotate finish` deletes it.
  const oldInactive = old.status !== 'Active';
  const others = keys.filter((k) => k.id !== keyId);
  const saved = await storedKey(env, opts.store);
  let newKey: NewKey | null = null;
  let resumed = false;
  const steps: Step[] = [];
  const oldState = oldInactive ? 'stays Inactive' : 'is still active';
  const untouched = `; no new key was created; ${keyId} is untouched (still ${old.status})`;
  const who = `${keyId} --user ${sh(user)}${logArg(env)}`;
  const finish = `nhiscan rotate finish ${who}`;

  if (saved && others.some((k) => k.id === saved.AccessKeyId)) {
    newKey = saved;
    resumed = true;
  } else if (others.length > 0) {
    const other = others[0]!;
    if (other.status === 'Inactive') {
      const use = await useOf(env, other.id);
      steps.push(deleteStep(env, user, other.id, 'an inactive key blocks the second slot (a user holds at most 2 keys)', 'Inactive', untouched, use));
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
            oldInactive
              ? `${other.id} was printed by an earlier rotation of ${keyId} (${env.auditLog}) and nhiscan cannot read a printed key back to verify it: once it is deployed and works, delete the old key with ${finish}; nothing was changed`
              : `${other.id} was printed by an earlier rotation of ${keyId} (${env.auditLog}) and nhiscan cannot read a printed key back to verify it: once it is deployed and works, deactivate the old key with nhiscan revoke access-key ${keyId} --user ${user}${logArg(env)}; nothing was changed`,
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
      } else if (oldInactive) {
        // The user already holds a working key besides the inactive one: nothing to create.
        throw new UsageError(`${user} already has another active key ${other.id} besides ${keyId} (inactive), so there is no slot for a new one: if ${other.id} replaced ${keyId}, delete ${keyId} with ${finish}; nothing was changed`);
      } else {
        throw new UsageError(`${user} already has two active keys (${keyId}, ${other.id}); revoke or finish one before rotating`);
      }
    }
  }

  if (!resumed && opts.store.kind === 'file' && !opts.store.isDefault) {
    const path = opts.store.path;
    // Found now, before a key exists, rather than as a failed store that has to delete it again.
    await access(dirname(path), constants.W_OK).catch((err: unknown) => {
      throw new UsageError(`cannot write ${path}: its directory is not writable (${errno(err) ?? 'access failed'}); nothing was changed`);
    });
  }
  if (!resumed && opts.store.kind === 'file' && !opts.store.force) {
    const path = opts.store.path;
    const exists = await access(path).then(
      () => true,
      (err: unknown) => {
        if (errno(err) === 'ENOENT') return false;
        throw new UsageError(`cannot check ${path} (${errno(err) ?? 'access failed'})`);
      },
    );
    if (exists) throw new UsageError(`${path} exists; refusing to overwrite it (--force)`);
  }

  if (!resumed) steps.push(createStep(env, user, keyId, old.status, opts.store, (k) => (newKey = k)));

  const newId = () => newKey?.AccessKeyId ?? 'the new key';
  // A printed key cannot be read back, so only the other stores resume on a re-run.
  const resume =
    opts.store.kind === 'print'
      ? oldInactive
        ? ''
        : `: once the new key works, deactivate the old one with aws iam update-access-key --user-name ${user} --access-key-id ${keyId} --status Inactive`
      : ': re-run this command to resume';
  // An inactive old key: the new one is proved to work before the user deploys it (nothing else
  // works meanwhile). An active one: only with --deactivate-old, right before the deactivation.
  if (opts.deactivateOld || oldInactive) {
    steps.push({
      action: 'verify-access-key',
      target: user,
      describe: `verify the new key works (sts:GetCallerIdentity signed with it, retried while IAM propagates)`,
      before: () => `${newId()} not verified`,
      after: () => `${newId()} verified`,
      state: {
        // Kept in the words the README documents: "the new key is stored in …; the old key … is still active".
        unchanged: () => `the new key is ${storedIn(opts.store)} (${newId()}); the old key ${keyId} ${oldState}${resume}`,
        done: () => `the new key is ${storedIn(opts.store)} (${newId()}) and verified; the old key ${keyId} ${oldState}`,
      },
      run: async () => {
        const key = newKey;
        if (!key) throw new Error('no new key to verify');
        return { detail: `signed in as ${await verifyKey(env, key)}` };
      },
    });
  }
  if (opts.deactivateOld && !oldInactive) {
    const deactivate = deactivateStep(env, user, keyId, await useOf(env, keyId));
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
  const storeArg = opts.store.kind === 'secret' ? ` --to-secret ${sh(opts.store.id)}` : opts.store.kind === 'file' && !opts.store.isDefault ? ` --to-file ${sh(opts.store.path)}` : '';
  const next = (): string[] => oldInactive
    ? [
        `Deploy the new key ${newId()} from ${storeName(opts.store)} to everything that used ${keyId} (${keyId} stays Inactive meanwhile).`,
        `Finally, once nothing fails, delete the old key: ${finish}`,
      ]
    : opts.deactivateOld
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
          `Then resume (verifies the new key, deactivates the old one): nhiscan rotate access-key ${who}${storeArg} --deactivate-old`,
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
  return [deleteStep(env, user, keyId, 'rotation finished', key.status, '', await useOf(env, keyId))];
}
