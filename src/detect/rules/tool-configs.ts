// Credentials in the dotfiles of specific command-line tools, each in the tool's own syntax.
// Generic key=value judgement (JSON, XML, INI) belongs to the structured stage; these rules are
// for shapes only a format-aware pattern sees: space-separated values, scrambled passwords, hex
// tokens the generic rule drops as hashes. (FileZilla's base64 <Pass> is the structured stage's.)
import { defineRules, type MatchContext, type Validation } from '../rule.js';
import { validateConnStringPassword } from '../validators/structured.js';
import { AWS_KEY_FIX } from '../fix-hints.js';

function validateHexToken(value: string): Validation {
  if (/0123|1234|abcd|(.)\1{5}/i.test(value)) return { valid: false, reason: 'sequential or repeated example value' };
  return { valid: true, detail: 'hex token in a tool config' };
}

function validatePassword(value: string): Validation {
  return validateConnStringPassword(value);
}

/** A commented-out line ("# password …") is documentation or a disabled entry. */
function commentedOut(ctx: MatchContext): boolean {
  const lineStart = ctx.text.lastIndexOf('\n', ctx.index) + 1;
  return /^[ \t]*[#;]/.test(ctx.text.slice(lineStart, ctx.index + 1));
}

function validateConfigPassword(value: string, ctx: MatchContext): Validation {
  if (commentedOut(ctx)) return { valid: false, reason: 'commented out' };
  return validatePassword(value);
}

/** Mutt runs a backquoted value as a command: `pass show mail` is how to keep the password out. */
function validateMuttPassword(value: string): Validation {
  if (value.startsWith('`')) return { valid: false, reason: 'a command that prints the password' };
  return validatePassword(value);
}

/** .netrc: "anonymous" FTP logins traditionally give an e-mail address as the password. */
function validateNetrcPassword(value: string, ctx: MatchContext): Validation {
  if (commentedOut(ctx)) return { valid: false, reason: 'commented out' };
  if (/^[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}$/.test(value)) return { valid: false, reason: 'an e-mail address (anonymous login)' };
  const entry = Math.max(0, ctx.text.lastIndexOf('machine', ctx.index), ctx.text.lastIndexOf('default', ctx.index));
  const line = ctx.text.slice(entry, ctx.index);
  if (/\blogin\s+(?:anonymous|ftp)\b/.test(line)) return { valid: false, reason: 'anonymous login' };
  return validatePassword(value);
}

/**
 * JetBrains IDEs (.idea/WebServers.xml) store deployment passwords "scrambled": each character as
 * four hex digits, XOR 0xdfaa. Not encryption: anyone with the file reads the password.
 */
function unscrambleJetBrains(value: string): string | null {
  let out = '';
  for (let i = 0; i < value.length; i += 4) {
    const c = parseInt(value.slice(i, i + 4), 16) ^ 0xdfaa;
    if (c < 0x20 || c > 0x7e) return null;
    out += String.fromCharCode(c);
  }
  return out;
}

function validateJetBrains(value: string): Validation {
  const text = unscrambleJetBrains(value);
  if (text === null) return { valid: false, reason: 'does not unscramble to a printable password' };
  const plain = validatePassword(text);
  return plain.valid ? { valid: true, detail: 'JetBrains deployment password (scrambled, not encrypted)' } : plain;
}

export const toolConfigRules = defineRules([
  {
    id: 's3cmd-secret-key',
    title: 'S3 secret key in an s3cmd config (.s3cfg)',
    severity: 'critical',
    provider: 'aws',
    keywords: ['secret_key'],
    // "secret_key = …" at the start of an INI line, as s3cmd --configure writes it. 40 characters
    // for AWS; S3-compatible services (DigitalOcean Spaces, Wasabi) issue up to 43.
    pattern: /^secret_key[ \t]{0,4}=[ \t]{0,4}(?<secret>[A-Za-z0-9/+]{40,43})[ \t]{0,8}\r?$/m,
    minEntropy: 4.0,
    revoke: `${AWS_KEY_FIX}; for other S3-compatible services, regenerate the key there.`,
    examples: {
      positive: [
        { text: '[default]\nhost_base = s3.amazonaws.com\nsecret_key = X5BbPWaB2W+y/JLSPLrQ0sQo2c2rUz/PEcIzBrhZ\n', secret: 'X5BbPWaB2W+y/JLSPLrQ0sQo2c2rUz/PEcIzBrhZ' },
        { text: 'host_base = nyc3.digitaloceanspaces.com\nsecret_key = 3hXmIL7i3wou9aLqZlMwEDz0+HdfLKOeuwSRP9RsQ7a\n', secret: '3hXmIL7i3wou9aLqZlMwEDz0+HdfLKOeuwSRP9RsQ7a' },
      ],
      negative: [
        'secret_key = \n',
        'secret_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
        'secret_key = c8d970add8b5249a2273881604e87338\n',
        'client_secret_key = c8d970add8b5249a2273881604e87338\n',
      ],
    },
  },
  {
    id: 'hub-oauth-token',
    title: 'GitHub OAuth token in a hub or gh config',
    severity: 'critical',
    provider: 'github',
    keywords: ['oauth_token'],
    // ~/.config/hub and gh's hosts.yml: "  oauth_token: <40 hex>" (YAML; tokens issued before the
    // gho_ prefix). A JSON "oauth_token": has a quote before the colon and is not matched here.
    pattern: /(?<![A-Za-z0-9_])oauth_token:[ \t]{1,4}["']?(?<secret>[0-9a-f]{40})["']?[ \t]{0,8}\r?$/m,
    minEntropy: 3.0,
    validate: validateHexToken,
    revoke: 'Revoke it at https://github.com/settings/applications (Authorized OAuth Apps), then log in again.',
    examples: {
      positive: [
        { text: 'github.com:\n- user: octo-ops\n  oauth_token: c1fe5b076b62651b87bc14819c9633430bc5b036\n  protocol: https\n', secret: 'c1fe5b076b62651b87bc14819c9633430bc5b036' },
        { text: 'github.com:\n    user: octo-ops\n    oauth_token: "9564b1370de41079f75a1d546feb529c66ce687c"\n', secret: '9564b1370de41079f75a1d546feb529c66ce687c' },
      ],
      negative: [
        'github.com:\n- user: octo-ops\n  oauth_token: 17bc9911dac00490a1ed1d3b380196823c0c0a2b510c2d3c9f5af944e24e49fc\n',
        '"oauth_token": "c1fe5b076b62651b87bc14819c9633430bc5b036"',
        'request_oauth_token: c1fe5b076b62651b87bc14819c9633430bc5b036\n',
        'oauth_token: 0123456789abcdef0123456789abcdef01234567\n',
      ],
    },
  },
  {
    id: 'tugboat-token',
    title: 'DigitalOcean token in a tugboat config (.tugboat)',
    severity: 'high',
    provider: 'digitalocean',
    keywords: ['access_token', 'api_key', 'client_key'],
    paths: /(?:^|\/)\.tugboat$/,
    // authentication: { access_token: <64 hex> } for API v2; client_key/api_key (32 hex) for v1.
    pattern: /^[ \t]{1,8}(?:access_token|api_key|client_key):[ \t]{1,4}["']?(?<secret>[A-Za-z0-9]{20,80})["']?[ \t]{0,8}\r?$/m,
    minEntropy: 3.0,
    validate: validateHexToken,
    revoke: 'Revoke the token at https://cloud.digitalocean.com/account/api/tokens.',
    examples: {
      path: 'home/ops/.tugboat',
      positive: [
        { text: '---\nauthentication:\n  access_token: 17bc9911dac00490a1ed1d3b380196823c0c0a2b510c2d3c9f5af944e24e49fc\nssh:\n  ssh_user: root\n', secret: '17bc9911dac00490a1ed1d3b380196823c0c0a2b510c2d3c9f5af944e24e49fc' },
        { text: '---\nauthentication:\n  api_key: c8d970add8b5249a2273881604e87338\n', secret: 'c8d970add8b5249a2273881604e87338' },
      ],
      negative: [
        '---\nauthentication:\n  access_token: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n',
        '---\nauthentication:\n  access_token: YOUR_DO_API_TOKEN_HERE\n',
        '---\nssh:\n  ssh_key_path: ~/.ssh/id_rsa\n  ssh_port: 22\n',
      ],
    },
  },
  {
    id: 'mail-client-password',
    title: 'Mail client password (.esmtprc, .msmtprc, .fetchmailrc)',
    severity: 'high',
    provider: 'mail',
    keywords: ['password'],
    paths: /(?:^|\/)(?:\.?esmtprc|\.?msmtprc|msmtp\/config|\.?fetchmailrc)$/,
    // esmtp: `password = x` or `password "x"`; msmtp: `password x`; fetchmail: `… password "x"`.
    // msmtp's `passwordeval` (a command) does not match: a space or "=" must follow the word.
    pattern: /(?<![^\s])password(?:[ \t]{0,4}=[ \t]{0,4}|[ \t]{1,8})(?<q>["']?)(?<secret>[^\s"']{3,128})\k<q>(?=\s|$)/,
    validate: validateConfigPassword,
    revoke: 'Change the mail account password (or revoke the app password) and use the client\'s passwordeval or keyring support.',
    examples: {
      path: 'home/ops/.esmtprc',
      positive: [
        { text: 'identity "ops@corp-internal.net"\n  hostname smtp.corp-internal.net:587\n  username "ops@corp-internal.net"\n  password "GHTzefu4BEft8B"\n  starttls required\n', secret: 'GHTzefu4BEft8B' },
        { text: 'hostname=smtp.corp-internal.net:25\nusername=ops\npassword=YBA6MbYexkjAMM\n', secret: 'YBA6MbYexkjAMM' },
        { text: 'poll imap.corp-internal.net protocol IMAP user "ops" password "nFkMr8c5JDChaC" ssl\n', secret: 'nFkMr8c5JDChaC' },
      ],
      negative: [
        '  passwordeval "gpg -q -d ~/.msmtp-GHTzefu4BEft8B.gpg"\n',
        '# password GHTzefu4BEft8B\n',
        '  password "password"\n',
        '# password <your password here>\n',
      ],
    },
  },
  {
    id: 'mutt-password',
    title: 'Mutt mail account password',
    severity: 'high',
    provider: 'mail',
    keywords: ['smtp_pass', 'imap_pass', 'pop_pass'],
    pattern: /set[ \t]{1,8}(?:smtp|imap|pop)_pass[ \t]{0,4}=[ \t]{0,4}(?<q>["'])(?<secret>[^"'\r\n]{3,128})\k<q>/,
    validate: validateMuttPassword,
    revoke: 'Change the mail account password (or revoke the app password) and read it with `source "gpg -d …|"` or a keyring.',
    examples: {
      positive: [
        { text: 'set imap_pass = "8NEX8EwifBBMN9"', secret: '8NEX8EwifBBMN9' },
        { text: "set smtp_pass='oc2PmRKmNHSVRg'", secret: 'oc2PmRKmNHSVRg' },
      ],
      negative: ['set imap_pass = "`pass show mail/GHTzefu4BEft8B`"', 'set smtp_pass = ""', 'set imap_pass = "$IMAP_PASS_GHTzefu4"'],
    },
  },
  {
    id: 'netrc-password-any-order',
    title: '.netrc password',
    severity: 'high',
    provider: 'netrc',
    keywords: ['password'],
    // The content rule netrc-password wants "machine … login … password …" in that order; a
    // .netrc also has "default", tokens in any order, and passwords of any strength.
    paths: /(?:^|\/)[._]netrc$/,
    pattern: /(?<![^\s])password[ \t\r\n]{1,8}(?<secret>[^\s"'\\#]{3,256})(?=\s|$)/,
    validate: validateNetrcPassword,
    revoke: 'Change or revoke the password/token for that host and remove it from .netrc (use a credential helper).',
    examples: {
      path: 'home/ops/.netrc',
      positive: [
        { text: 'machine ftp.corp-internal.net password UFhnjFE4EAAdy5 login backup', secret: 'UFhnjFE4EAAdy5' },
        { text: 'default login deploy password w0rdpr3ss', secret: 'w0rdpr3ss' },
      ],
      negative: ['default login anonymous password ops@corp-internal.net', 'machine host login me password ${NETRC_PASSWORD}', 'machine host login me password changeme'],
    },
  },
  {
    id: 's3cmd-gpg-passphrase',
    title: 'GPG passphrase in an s3cmd config (.s3cfg)',
    severity: 'medium',
    provider: 's3cmd',
    keywords: ['gpg_passphrase'],
    // It encrypts the uploads, so the file that holds it also decrypts every object: any strength counts.
    paths: /(?:^|\/)\.?s3cfg$/,
    pattern: /^gpg_passphrase[ \t]{0,4}=[ \t]{0,4}(?<secret>[^\s]{3,256})[ \t]{0,8}\r?$/m,
    validate: validatePassword,
    revoke: 'Re-encrypt the objects uploaded with it under a new passphrase, and keep the passphrase out of the config file.',
    examples: {
      path: 'home/ops/.s3cfg',
      positive: [
        { text: '[default]\ngpg_command = /usr/bin/gpg\ngpg_passphrase = Harbor9424@\n', secret: 'Harbor9424@' },
        { text: 'gpg_passphrase = oc2PmRKmNHSVRg\r\nhost_base = s3.amazonaws.com\r\n', secret: 'oc2PmRKmNHSVRg' },
      ],
      negative: ['gpg_passphrase = \n', 'gpg_passphrase = changeme\n', '# gpg_passphrase_GHTzefu4BEft8B\n'],
    },
  },
  {
    id: 'heroku-json-api-key',
    title: 'Heroku API key in heroku.json',
    severity: 'high',
    provider: 'heroku',
    keywords: ['api_key'],
    // heroku-api-key wants "heroku" in the key name; in heroku.json the file name says it.
    paths: /(?:^|\/)\.?heroku\.json$/,
    pattern: /"(?:api_key|apiKey|api-key|token)"[ \t]{0,4}:[ \t]{0,4}"(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|HRKU-[A-Za-z0-9_-]{60})"/,
    revoke: 'Regenerate the API key in Heroku Account settings.',
    examples: {
      path: 'deploy/heroku.json',
      positive: [
        { text: '{\n  "name": "acme-api-prod",\n  "api_key": "2cf8c1d7-80ed-4524-ad3a-c4911bc0f6d0"\n}', secret: '2cf8c1d7-80ed-4524-ad3a-c4911bc0f6d0' },
        { text: '{"apiKey":"b807bf21-77ce-4d8f-a1ab-97cffb578094","app":"billing"}', secret: 'b807bf21-77ce-4d8f-a1ab-97cffb578094' },
      ],
      negative: ['{"app_id": "4a55b15e-e527-4613-a618-f68a692d3aa8"}', '{"api_key": "00000000-0000-0000-0000-000000000000"}', '{"api_key": "<your-heroku-api-key-uuid>"}'],
    },
  },
  {
    id: 'composer-github-oauth',
    title: 'GitHub OAuth token in Composer auth.json',
    severity: 'critical',
    provider: 'github',
    keywords: ['github-oauth'],
    // "github-oauth": { "github.com": "<token>" }: legacy 40-hex tokens have no prefix to find them by.
    pattern: /"github-oauth"\s{0,40}:\s{0,40}\{\s{0,40}"github\.com"\s{0,40}:\s{0,40}"(?<secret>[0-9a-f]{40})"/,
    minEntropy: 3.0,
    validate: validateHexToken,
    revoke: 'Revoke it at https://github.com/settings/tokens and run `composer config --global --auth github-oauth.github.com` with a new one.',
    examples: {
      positive: [
        { text: '{\n    "github-oauth": {\n        "github.com": "c1fe5b076b62651b87bc14819c9633430bc5b036"\n    }\n}', secret: 'c1fe5b076b62651b87bc14819c9633430bc5b036' },
        { text: '{"github-oauth":{"github.com":"9564b1370de41079f75a1d546feb529c66ce687c"}}', secret: '9564b1370de41079f75a1d546feb529c66ce687c' },
      ],
      negative: [
        '{"github-oauth": {"github.com": "c1fe5b076b62651b87bc14819c9633430bc5b0"}}',
        '{"github-oauth": {"github.com": "0123456789abcdef0123456789abcdef01234567"}}',
        '{"github-oauth": {"github.com": "%GITHUB_TOKEN_c1fe5b0%"}}',
      ],
    },
  },
  {
    id: 'gitconfig-github-token',
    title: 'GitHub token in a .gitconfig [github] section',
    severity: 'critical',
    provider: 'github',
    keywords: ['[github]'],
    // Old hub and gist tools read `[github] user = … token = <40 hex>` from ~/.gitconfig.
    pattern: /\[github\][^[]{0,400}?\btoken[ \t]{0,4}=[ \t]{0,4}"?(?<secret>[0-9a-f]{40})"?[ \t]{0,8}\r?$/m,
    minEntropy: 3.0,
    validate: validateHexToken,
    revoke: 'Revoke it at https://github.com/settings/tokens and use a credential helper instead.',
    examples: {
      positive: [
        { text: '[user]\n\tname = Dev\n[github]\n\tuser = devops\n\ttoken = c1fe5b076b62651b87bc14819c9633430bc5b036\n', secret: 'c1fe5b076b62651b87bc14819c9633430bc5b036' },
        { text: '[github]\n  token = "9564b1370de41079f75a1d546feb529c66ce687c"\n', secret: '9564b1370de41079f75a1d546feb529c66ce687c' },
      ],
      negative: [
        '[github]\n\tuser = devops\n[alias]\n\ttoken = c1fe5b076b62651b87bc14819c9633430bc5b036\n',
        '[github]\n\ttoken = c8d970add8b5249a2273881604e87338\n',
        '[github]\n\ttoken = !gh auth token\n',
      ],
    },
  },
  {
    id: 'jetbrains-webserver-password',
    title: 'JetBrains deployment password (.idea/WebServers.xml)',
    severity: 'high',
    provider: 'jetbrains',
    keywords: ['<filetransfer'],
    pattern: /<fileTransfer\b[^>]{0,600}?[ \t]password="(?<secret>(?:df[0-9a-f]{2}){3,128})"/,
    validate: validateJetBrains,
    revoke: 'Change the FTP/SFTP account password and remove .idea/WebServers.xml from the repository (the IDE keeps passwords in its keychain when told to).',
    examples: {
      positive: [
        { text: '<fileTransfer host="ftp.shop-hosting.net" port="21" accessType="FTP" login="shopftp" password="dfdbdfdfdfcbdfd8dfdedfd0dff5dfccdfcbdfc6dfc9dfc5dfc4df9edf9a">', secret: 'dfdbdfdfdfcbdfd8dfdedfd0dff5dfccdfcbdfc6dfc9dfc5dfc4df9edf9a' },
        { text: '<fileTransfer accessType="SFTP" host="10.0.4.7" port="22" login="deploy" password="dfeddfe2dffedfd0dfcfdfcc">', secret: 'dfeddfe2dffedfd0dfcfdfcc' },
      ],
      negative: [
        '<fileTransfer host="ftp.shop-hosting.net" login="shopftp" password="dfdadfcbdfd9dfd9dfdddfc5dfd8dfce">',
        '<fileTransfer host="ftp.shop-hosting.net" login="shopftp" password="df00df01df02df03">',
        '<fileTransfer host="ftp.shop-hosting.net" login="shopftp" passwordHint="dfdbdfdfdfcbdfd8dfdedfd0">',
      ],
    },
  },
]);
