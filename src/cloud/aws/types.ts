// The account as nhiscan sees it: read from AWS (or from the AWS CLI's exports) once, then scored
// by pure functions in src/score. Policy documents here are always decoded JSON objects.

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface IamUser {
  name: string;
  arn: string;
  path: string;
  created: string;
  groups: string[];
  attachedPolicies: string[];
  inlinePolicies: InlinePolicy[];
  tags: Tag[];
}

export interface IamGroup {
  name: string;
  arn: string;
  attachedPolicies: string[];
  inlinePolicies: InlinePolicy[];
}

export interface IamRole {
  name: string;
  arn: string;
  path: string;
  created: string;
  trustPolicy: PolicyDocument | null;
  lastUsed: string | null;
  lastUsedRegion: string | null;
  attachedPolicies: string[];
  inlinePolicies: InlinePolicy[];
  tags: Tag[];
}

export interface ManagedPolicy {
  arn: string;
  name: string;
  /** The default version's document. */
  document: PolicyDocument | null;
}

/** One row of the IAM credential report; missing values are null. */
export interface CredentialReportRow {
  user: string;
  arn: string;
  userCreationTime: string | null;
  passwordEnabled: boolean;
  passwordLastUsed: string | null;
  passwordLastChanged: string | null;
  passwordNextRotation: string | null;
  mfaActive: boolean;
  keys: Array<{
    slot: 1 | 2;
    active: boolean;
    lastRotated: string | null;
    lastUsedDate: string | null;
    lastUsedRegion: string | null;
    lastUsedService: string | null;
  }>;
  certs: Array<{ slot: 1 | 2; active: boolean; lastRotated: string | null }>;
}

export interface AccessKey {
  /** The real key id when ListAccessKeys was available; otherwise "user#slot". */
  id: string;
  user: string;
  userArn: string;
  status: 'Active' | 'Inactive';
  created: string | null;
  lastUsed: string | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
  slot: 1 | 2 | null;
}

export interface SecretRecord {
  name: string;
  arn: string;
  region: string;
  created: string | null;
  rotationEnabled: boolean;
  rotationLambdaArn: string | null;
  rotationDays: number | null;
  lastRotated: string | null;
  lastAccessed: string | null;
  lastChanged: string | null;
  nextRotation: string | null;
  tags: Tag[];
  owningService: string | null;
  /** Resource policy document, when it could be read. */
  resourcePolicy: PolicyDocument | null;
}

export interface AwsInventory {
  account: string | null;
  caller: string | null;
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  policies: ManagedPolicy[];
  report: CredentialReportRow[];
  keys: AccessKey[];
  secrets: SecretRecord[];
  /** False when Secrets Manager was not read at all (offline, no `--secrets` export): not "no secrets". */
  secretsRead?: boolean;
}

/** An account with nothing read from it: what a run reports when a read failed before any identity. */
export function emptyInventory(account: string | null = null, caller: string | null = null): AwsInventory {
  return { account, caller, users: [], groups: [], roles: [], policies: [], report: [], keys: [], secrets: [] };
}

/** What GetAccessKeyLastUsed said about a key the inventory could not place (src/cloud/aws/owner.ts). */
export interface OwnerInfo {
  user: string;
  lastUsed: string | null;
  lastUsedService: string | null;
  lastUsedRegion?: string | null;
}
