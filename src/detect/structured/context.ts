import type { FileContext, Format, Tier, Tool } from './types.js';

// Which files the stage reads, in which format, and how much evidence a value there needs.
// Everything here runs on the path (and a few bytes of head) only: it is called for every blob.
//
// Source code is never read by this stage. Its assignments are expressions as often as literals,
// the generic content rules already read them with a high bar, and real code must stay under
// 0.05 generic findings per MiB: the low bar that makes `password123` a finding in a .env file
// is only justified by the file being configuration.

/** Files whose keys are build or package metadata, never credentials. */
const NEVER = new Set([
  'package.json', 'package-lock.json', '.package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'composer.json', 'composer.lock',
  'bower.json', 'manifest.json', 'tsconfig.json', 'jsconfig.json', 'angular.json', 'nx.json', 'lerna.json', 'renovate.json',
  'cargo.lock', 'poetry.lock', 'gemfile.lock', 'pipfile.lock', 'deno.lock', 'bun.lock', 'flake.lock', 'go.sum', '.babelrc',
  'androidmanifest.xml', 'pom.xml', 'project.json', 'app.json', 'vercel.json', 'turbo.json', 'biome.json',
]);
const NEVER_NAME = /^(?:tsconfig\..*\.json|\.eslintrc.*|\.prettierrc.*|\.stylelintrc.*|.*\.schema\.json|.*\.lock|.*\.min\.\w+|.*\.(?:map|svg|xsd|xsl|xslt|resx|xaml|csproj|vbproj|vcxproj|props|targets|nuspec|ipynb|sarif|plist|wsdl|xlf|xliff|tmx))$/;
/** Directories of translations (`password: "Password"` is a label), build output and VCS internals. */
const NEVER_DIR = /(?:^|\/)(?:locales?|i18n|l10n|lang|langs|translations?|\.git|res\/layout[^/]*|res\/values[^/]*)\//;

/** Test scaffolding, documentation, templates and vendored trees: only random-looking values count. */
const STRICT_DIR = /(?:^|\/)(?:tests?|__tests__|specs?|fixtures?|testdata|test[_-]data|mocks?|__mocks__|examples?|samples?|docs?|demos?|node_modules|vendor|site-packages|dist-packages|bower_components|third[_-]party|\.venv|venv)\//;
const STRICT_NAME = /(?:^|[._-])(?:examples?|samples?|templates?|dist|tpl|tmpl|tests?|testing|specs?|mocks?|fakes?|demo|skel)(?:[._-]|$)/;

const SHELL = new Set([
  '.bashrc', '.bash_profile', '.bash_login', '.bash_aliases', '.profile', '.zshrc', '.zprofile', '.zshenv', '.zlogin', '.kshrc',
  '.mkshrc', '.cshrc', '.tcshrc', '.login', 'config.fish', '.envrc', '.flaskenv',
]);

/** Tool configs by name: the file exists to hold a login, so their keys are trusted as such. */
const TOOLS: Record<string, { format: Format; tool?: Tool }> = {
  '.s3cfg': { format: 'ini' },
  '.pypirc': { format: 'ini' },
  '.my.cnf': { format: 'ini' },
  '.boto': { format: 'ini' },
  '.npmrc': { format: 'ini' },
  '.gitconfig': { format: 'ini' },
  'credentials': { format: 'ini' },
  'rclone.conf': { format: 'ini' },
  'winscp.ini': { format: 'ini' },
  '.esmtprc': { format: 'space' },
  '.msmtprc': { format: 'space' },
  'msmtprc': { format: 'space' },
  '.tugboat': { format: 'yaml' },
  'hub': { format: 'yaml' },
  'heroku.json': { format: 'json' },
  'sftp-config.json': { format: 'json' },
  'sftp.json': { format: 'json' },
  '.remote-sync.json': { format: 'json' },
  '.ftpconfig': { format: 'json' },
  '.sftpconfig': { format: 'json' },
  '.ftppass': { format: 'json' },
  'robomongo.json': { format: 'json' },
  '3t.json': { format: 'json' },
  'data-sources.json': { format: 'json' },
  'credentials-config.json': { format: 'json' },
  'auth.json': { format: 'json' },
  '.dockercfg': { format: 'json', tool: 'dockercfg' },
  'sitemanager.xml': { format: 'xml', tool: 'filezilla' },
  'recentservers.xml': { format: 'xml', tool: 'filezilla' },
  'filezilla.xml': { format: 'xml', tool: 'filezilla' },
  'webservers.xml': { format: 'xml' },
  'datasources.xml': { format: 'xml' },
  'datasources.local.xml': { format: 'xml' },
  'deployment.xml': { format: 'xml' },
  '.dbeaver-data-sources.xml': { format: 'xml' },
  'settings.xml': { format: 'xml' },
  'tomcat-users.xml': { format: 'xml' },
  'context.xml': { format: 'xml' },
  'server.xml': { format: 'xml' },
  'persistence.xml': { format: 'xml' },
  'web.config': { format: 'xml' },
  'app.config': { format: 'xml' },
};

/** Deployment and application settings files: credential-bearing by convention. */
const DEPLOY_NAME = /^(?:values[\w.-]*\.ya?ml|(?:docker-)?compose[\w.-]*\.ya?ml|application[\w.-]*\.(?:ya?ml|properties)|bootstrap[\w.-]*\.ya?ml|appsettings[\w.-]*\.json|secrets?[\w.-]*\.(?:ya?ml|json|toml)|credentials?[\w.-]*\.(?:ya?ml|json|toml|xml)|database\.ya?ml|parameters\.ya?ml|.*\.tfvars|hibernate[\w.-]*\.xml|applicationcontext[\w.-]*\.xml|standalone[\w.-]*\.xml|[\w.-]+-ds\.xml|[\w.-]+\.cfg\.xml|[\w.-]+\.config|\.travis\.yml|\.gitlab-ci\.yml|\.drone\.yml|appveyor\.yml|bitbucket-pipelines\.yml|azure-pipelines\.yml|circle\.yml|buildspec\.yml|cloudbuild\.ya?ml)$/;
/** Ansible variables, Rails and Symfony config directories. */
const DEPLOY_DIR = /(?:^|\/)(?:group_vars|host_vars|vars|defaults|config|conf|\.docker|\.kube|\.m2|\.config\/[\w.-]+)\//;

const BY_EXT: Record<string, Format> = {
  env: 'env', sh: 'env', bash: 'env', zsh: 'env', ksh: 'env', fish: 'env',
  properties: 'properties',
  ini: 'ini', cfg: 'ini', conf: 'ini', cnf: 'ini', tfvars: 'ini',
  toml: 'toml',
  yml: 'yaml', yaml: 'yaml',
  json: 'json', jsonc: 'json',
  xml: 'xml', config: 'xml',
};

/** For files without an extension: what the first bytes say they are. */
function sniff(head: string): Format | null {
  const h = head.trimStart().slice(0, 256);
  if (h.startsWith('{')) return 'json';
  if (h.startsWith('<?xml') || /^<[A-Za-z][\w.:-]*[\s>]/.test(h)) return 'xml';
  if (/^\[[\w .:"'-]{1,64}\]\s*\n/.test(h)) return 'ini';
  // A shell script by its shebang; `#!/usr/bin/env python` is source code, not read.
  if (/^(?:export\s+)?[A-Z_][A-Z0-9_]{1,64}=/.test(h) || /^#!\/(?:usr\/)?bin\/(?:env\s+)?(?:ba|z|k|da)?sh\b/.test(h)) return 'env';
  if (h.startsWith('---') || /^[\w.-]{1,64}:\s/.test(h)) return 'yaml';
  return null;
}

/**
 * Decisions by path alone, remembered: a history names the same few thousand paths for its hundred
 * thousand blobs, and this runs for every one of them (it was 3% of a curl scan). A path whose
 * format only a sniff of the content decides (no extension) is remembered as the tier it gets
 * then, and sniffed each time: curl's history holds 19,741 versions of such files.
 * Cleared when it grows past CACHE_MAX.
 */
const byPath = new Map<string, FileContext | SniffLater | null>();
const CACHE_MAX = 65_536;

interface SniffLater {
  sniff: true;
  tier: Tier;
}

/** Which reader and tier a path gets, or null when the stage does not read it. */
export function classify(path: string, head: string | (() => string)): FileContext | null {
  let known = byPath.get(path);
  if (known === undefined) {
    known = decide(path);
    if (byPath.size >= CACHE_MAX) byPath.clear();
    byPath.set(path, known);
  }
  if (known === null || !('sniff' in known)) return known;
  const format = sniff(typeof head === 'string' ? head : head());
  return format ? { format, tier: known.tier } : null;
}

function decide(path: string): FileContext | SniffLater | null {
  const p = path.replace(/\\/g, '/').toLowerCase();
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (!base || NEVER.has(base) || NEVER_NAME.test(base) || NEVER_DIR.test(p)) return null;
  const strict = STRICT_DIR.test(p) || STRICT_NAME.test(base.replace(/^\.env\b/, ''));
  const ext = base.includes('.', 1) ? base.slice(base.lastIndexOf('.') + 1) : '';

  let format: Format | null = null;
  let tool: Tool | undefined;
  let tier: Tier = 'config';
  const known = TOOLS[base];
  if (known && (base !== 'hub' || p.endsWith('.config/hub')) && (base !== 'credentials' || /(?:^|\/)\.(?:aws|gem)\/credentials$/.test(p))) {
    // ~/.gem/credentials is YAML; ~/.aws/credentials is INI.
    format = base === 'credentials' && p.includes('.gem/') ? 'yaml' : known.format;
    tool = known.tool;
    tier = 'credential';
  } else if (base === '.env' || base.startsWith('.env.') || base.endsWith('.env') || SHELL.has(base)) {
    format = 'env';
    tier = 'credential';
  } else if (base === 'config.json' && p.endsWith('.docker/config.json')) {
    format = 'json';
    tool = 'docker';
    tier = 'credential';
  } else if (ext && BY_EXT[ext]) {
    format = BY_EXT[ext]!;
    // .conf/.cfg/.cnf are every daemon's syntax (nsswitch `passwd: files`): config tier unless named.
    const credentialFormat = format === 'env' || format === 'properties' || ext === 'ini' || ext === 'tfvars';
    if (credentialFormat || DEPLOY_NAME.test(base) || DEPLOY_DIR.test(p)) tier = 'credential';
  } else if (!ext) {
    return { sniff: true, tier: strict ? 'strict' : tier };
  }
  if (!format) return null;
  if (strict) tier = 'strict';
  return tool ? { format, tier, tool } : { format, tier };
}
