import { describe, expect, it } from 'vitest';
import { isStructuredCandidate, scanStructured, structuredRules, type StructuredHit } from '../src/detect/structured/index.js';

// The structured config stage on its own: exact secrets and offsets per format, near-miss
// negatives for every class, malformed files (no throw, the line fallback still reads them).

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Exactly one hit, of `ruleId`, whose span is `secret` where it (first, or at `nth`) occurs in `text`. */
function one(text: string, path: string, ruleId: string, secret: string, keyPath?: string): StructuredHit {
  const hits = scanStructured(text, path);
  expect(hits.map((h) => [h.ruleId, h.secret])).toEqual([[ruleId, secret]]);
  const hit = hits[0]!;
  expect(hit.start).toBe(text.indexOf(secret));
  expect(hit.end).toBe(text.indexOf(secret) + secret.length);
  expect(text.slice(hit.start, hit.end)).toBe(secret);
  if (keyPath !== undefined) expect(hit.keyPath).toBe(keyPath);
  return hit;
}

function none(text: string, path: string): void {
  expect(scanStructured(text, path).map((h) => `${h.ruleId}:${h.keyPath}`)).toEqual([]);
}

describe('env files and shell profiles', () => {
  it('reads export NAME=value in quotes and bare, with exact offsets', () => {
    const text = "# mail\nexport SMTP_PASSWORD='kittens77'\nexport PATH=$PATH:/opt/bin\nMAILGUN_API_KEY=9b2f7c1e4a8d3f6b0c5e2a7d9f1b4c8e\n";
    const hits = scanStructured(text, 'home/dev/.bash_profile');
    expect(hits.map((h) => [h.ruleId, h.keyPath, text.slice(h.start, h.end)])).toEqual([
      ['config-password', 'SMTP_PASSWORD', 'kittens77'],
      ['config-api-key', 'MAILGUN_API_KEY', '9b2f7c1e4a8d3f6b0c5e2a7d9f1b4c8e'],
    ]);
  });

  it('a weak password in a .env is still a finding', () => {
    one('APP_ENV=production\nDB_HOST=db.internal\nDB_PASSWORD=password123\n', '.env', 'config-password', 'password123');
  });

  it('reads csh setenv and fish set -gx', () => {
    one('setenv JIRA_API_TOKEN Qm7vR2xK9pL4tZ8w\n', '.cshrc', 'config-token', 'Qm7vR2xK9pL4tZ8w');
    one('set -gx OPENWEATHER_API_KEY 4f8e2a9c7b1d3e5f6a0b8c2d4e6f1a3b\n', '.config/fish/config.fish', 'config-api-key', '4f8e2a9c7b1d3e5f6a0b8c2d4e6f1a3b');
  });

  it('finds the legacy 40-hex GitHub token and a 38-character AWS secret by their names', () => {
    one('export HOMEBREW_GITHUB_API_TOKEN=3e1f9a7c5b2d8e60c4a1f7b3d9e5c2a8f6b0d4e1\n', '.zshrc', 'config-token', '3e1f9a7c5b2d8e60c4a1f7b3d9e5c2a8f6b0d4e1');
    one('AWS_ACCESS_KEY_ID_NAME=x\nAWS_SECRET_ACCESS_KEY=Vx3nQ8rT2kLm7Wp4Zc9Hd1Jy6Fb0Gs5Ne2Ua8T\n', '.env.production', 'config-secret', 'Vx3nQ8rT2kLm7Wp4Zc9Hd1Jy6Fb0Gs5Ne2Ua8T');
  });

  it('Laravel APP_KEY and *_SALT by value shape', () => {
    one('APP_NAME=Shop\nAPP_KEY=base64:q3Zr8vK2mX9pL4tW7nB1cF6hJ0sD5gA8eR2yU4iO6wE=\n', '.env', 'config-api-key', 'base64:q3Zr8vK2mX9pL4tW7nB1cF6hJ0sD5gA8eR2yU4iO6wE=');
    one("NONCE_SALT='k#9Vq!2mZ&x7R$v4T%pW3nB8c^Y6dF1g'\n", '.env', 'config-secret', 'k#9Vq!2mZ&x7R$v4T%pW3nB8c^Y6dF1g');
  });

  it('stays quiet on references, expansions, placeholders, empties, booleans, numbers and paths', () => {
    none(
      [
        'DB_PASSWORD=${DB_PASSWORD}',
        'export API_TOKEN="$(pass show api/token)"',
        'export GH_TOKEN=`gh auth token`',
        'REDIS_PASSWORD="$REDIS_PASS"',
        'SMTP_PASSWORD=',
        'SMTP_PASSWORD=changeme',
        'ADMIN_PASSWORD=your-password-here',
        'USE_PASSWORD=true',
        'PASSWORD_MIN_LENGTH=12',
        'PASSWORD_FILE=/run/secrets/db_password',
        'SSH_KEY=~/.ssh/id_ed25519',
        'TOKEN_URL=https://auth.corp.example.net/oauth/token',
        'SECRET_NAME=prod/billing/db',
        'CLIENT_ID=7f3c9a2e',
        'DB_PASSWORD=<password>',
        'SESSION_SECRET=secret',
        'JWT_SECRET=notARealSecret',
      ].join('\n'),
      '.env',
    );
  });

  it('.env.example is read with the strict bar: a placeholder is quiet, a random value is not', () => {
    none('DB_PASSWORD=hunter22\nAPI_TOKEN=abc\nSECRET_KEY=your-secret-key\n', '.env.example');
    one('STRIPE_WEBHOOK_SECRET=Zq8vL2mX7pR4tK9wN3bC6yD1\n', '.env.example', 'config-secret', 'Zq8vL2mX7pR4tK9wN3bC6yD1');
  });

  it('reads *.sh exports as shell', () => {
    one('#!/bin/sh\nset -e\nexport DEPLOY_PASSWORD="Gr4nite-Falls"\n./deploy.sh "$@"\n', 'scripts/deploy.sh', 'config-password', 'Gr4nite-Falls');
  });
});

describe('Java properties', () => {
  it('pairs the dotted key and judges the last segment', () => {
    one('spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.username=app\nspring.datasource.password=Sardine42\n', 'src/main/resources/application.properties', 'config-password', 'Sardine42', 'spring.datasource.password');
  });

  it('near misses: metadata keys, Spring placeholders, ENC(), a test resource', () => {
    none('spring.datasource.password=${DB_PASSWORD}\njasypt.password=ENC(nV3x9Lq2Tz8k)\nserver.ssl.key-store-password-file=/etc/ks.pw\npassword.policy.min=8\n', 'application.properties');
    none('spring.datasource.password=Sardine42\n', 'src/test/resources/application.properties');
  });
});

describe('INI and TOML', () => {
  it('.s3cfg: [section].key paths', () => {
    const text = '[default]\naccess_key = AKIAEXAMPLEKEYID1234\nhost_base = s3.amazonaws.com\nsecret_key = mR7vQ2xLp9Tz4Kw8Nb3Cy6Dh1Fj5Gs0Ae2Ur8Ti\nuse_https = True\n';
    const hits = scanStructured(text, 'home/ops/.s3cfg');
    const secret = hits.find((h) => h.keyPath === '[default].secret_key');
    expect(secret?.ruleId).toBe('config-secret');
    expect(text.slice(secret!.start, secret!.end)).toBe('mR7vQ2xLp9Tz4Kw8Nb3Cy6Dh1Fj5Gs0Ae2Ur8Ti');
    expect(hits.every((h) => h.keyPath !== '[default].host_base' && h.keyPath !== '[default].use_https')).toBe(true);
  });

  it('.pypirc and my.cnf passwords, inline comments stripped', () => {
    one('[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = Lantern-77 ; rotated in May\n', '.pypirc', 'config-password', 'Lantern-77', '[pypi].password');
    one('[client]\nuser=backup\npassword="Q9!vz2Lm"\n', 'etc/mysql/conf.d/backup.cnf', 'config-password', 'Q9!vz2Lm');
  });

  it('TOML sections and dotted keys', () => {
    one('[database]\nhost = "db.internal"\n\n[database.auth]\npassword = "Copper-Kettle-9"\n', 'config/settings.toml', 'config-password', 'Copper-Kettle-9', 'database.auth.password');
    one('[connections.snowflake]\naccount = "xy12345"\npassword = \'Rx7#kq2Lm\'\n', '.streamlit/secrets.toml', 'config-password', 'Rx7#kq2Lm', 'connections.snowflake.password');
  });

  it('TOML near misses: a bare word in a general config, a reference, multi-line strings', () => {
    none('[tool.auth]\npassword = "Password"\ntoken = "${{ secrets.PYPI }}"\nsecret = """\nmultiline\n"""\n', 'pyproject.toml');
  });
});

describe('YAML', () => {
  it('Helm values: postgresql.auth.password three levels deep', () => {
    one('postgresql:\n  enabled: true\n  auth:\n    username: shop\n    password: "Tulip-Garden-14"\n    database: shop\n', 'charts/shop/values.yaml', 'config-password', 'Tulip-Garden-14', 'postgresql.auth.password');
  });

  it('Kubernetes env name/value pairs and docker-compose KEY=value lists', () => {
    one('env:\n  - name: DB_HOST\n    value: db\n  - name: DB_PASSWORD\n    value: Orchid2291\n', 'k8s/deployment.yaml', 'config-password', 'Orchid2291', 'env[1].DB_PASSWORD');
    one('services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=shop\n      - POSTGRES_PASSWORD=Maple-Leaf-3\n', 'docker-compose.yml', 'config-password', 'Maple-Leaf-3', 'services.db.environment.POSTGRES_PASSWORD');
  });

  it('hub and .tugboat tool configs', () => {
    one('github.com:\n- user: octodev\n  oauth_token: 5d1c8e3a9f7b2c4e6a0d8f1b3c5e7a9d2f4b6c8e\n  protocol: https\n', 'home/dev/.config/hub', 'config-token', '5d1c8e3a9f7b2c4e6a0d8f1b3c5e7a9d2f4b6c8e');
    one('authentication:\n  access_token: 9f2c7a4e1b8d3f6a0c5e2b7d9a1f4c8e3b6d0a2f5c7e9b1d4a6f8c0e2b4d6f8a\nconnection:\n  timeout: 15\n', '.tugboat', 'config-token', '9f2c7a4e1b8d3f6a0c5e2b7d9a1f4c8e3b6d0a2f5c7e9b1d4a6f8c0e2b4d6f8a');
  });

  it('Rails secrets.yml secret_key_base', () => {
    const key = 'a7f3c9e1b5d2f8a4c6e0b3d9f1a7c5e2b8d4f0a6c3e9b1d7f5a2c8e4b0d6f3a9c1e7b5d2f8a4c6e0b3d9f1a7c5e2b8d4f0a6c3e9b1d7f5a2c8e4b0d6f3a9c1e7';
    one(`production:\n  secret_key_base: ${key}\n`, 'config/secrets.yml', 'config-secret', key, 'production.secret_key_base');
  });

  it('near misses: tags, templates, OpenAPI schemas, ansible vault, i18n labels', () => {
    none('Resources:\n  Db:\n    Properties:\n      MasterUserPassword: !Ref DbPassword\n      Secret: !Sub "{{resolve:secretsmanager:db}}"\n', 'cloudformation/db.yaml');
    none('components:\n  schemas:\n    Login:\n      properties:\n        password:\n          type: string\n          format: password\n          minLength: 8\n', 'openapi.yaml');
    none('db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231393635\n', 'group_vars/all.yml');
    none('en:\n  password: "Password"\n  forgot_password: "Forgot your password?"\n', 'config/locales/en.yml');
    none('steps:\n  - uses: docker/login-action@v3\n    with:\n      password: ${{ secrets.DOCKERHUB_TOKEN }}\n', '.github/workflows/release.yml');
    none('api:\n  token: "{{ .Values.api.token }}"\n  password: "{{ required \\"pw\\" .Values.pw }}"\n', 'charts/shop/templates/secret.yaml');
  });

  it('a general YAML needs more than a bare word; a test fixture needs a random value', () => {
    none('login:\n  password: Passwort\n', 'app/settings.yml');
    one('login:\n  password: Passw0rd-x7\n', 'app/settings.yml', 'config-password', 'Passw0rd-x7');
    none('postgresql:\n  auth:\n    password: Tulip-Garden-14\n', 'test/fixtures/values.yaml');
  });

  it('malformed YAML falls back to lines and still finds the obvious pair', () => {
    const text = 'database:\n  host: db\n  password: Quartz-Owl-58\n   bad: [unclosed\n  other: {{ .x }\n';
    one(text, 'config/database.yml', 'config-password', 'Quartz-Owl-58', 'database.password');
  });
});

describe('JSON tool configs', () => {
  it('sftp-config.json with comments and trailing commas', () => {
    const text = '{\n    // The tab key will cycle through the settings\n    "type": "sftp",\n    "host": "ftp.corp.example.net",\n    "user": "deploy",\n    "password": "Harbor-Light-22",\n    /* "port": "22", */\n    "remote_path": "/var/www/",\n}\n';
    one(text, 'sftp-config.json', 'config-password', 'Harbor-Light-22', 'password');
  });

  it('.remote-sync.json, .ftpconfig, robomongo.json, heroku.json', () => {
    one('{"uploadOnSave": true, "hostname": "10.0.0.7", "username": "www", "password": "Pebble-Creek-5", "target": "/srv"}', '.remote-sync.json', 'config-password', 'Pebble-Creek-5');
    one('{\n  "protocol": "sftp",\n  "host": "files.corp.example.net",\n  "user": "deploy",\n  "pass": "Velvet9Moon",\n  "passphrase": ""\n}', '.ftpconfig', 'config-password', 'Velvet9Moon', 'pass');
    one('{"connections": [{"serverHost": "mongo1", "credentials": [{"userName": "admin", "userPassword": "Cobalt-Fern-31", "enabled": true}], "ssh": {"sshPassphrase": ""}}]}', 'home/u/.config/robomongo/1.4/robomongo.json', 'config-password', 'Cobalt-Fern-31', 'connections[0].credentials[0].userPassword');
    one('{"login": "ops@corp.example.net", "api_key": "c4f1a9e2-7b3d-4e8f-9a6c-2d5b8e1f7a3c"}', 'heroku.json', 'config-api-key', 'c4f1a9e2-7b3d-4e8f-9a6c-2d5b8e1f7a3c');
  });

  it('near misses: package.json, lock files, a general JSON with a UUID, a .ts file', () => {
    expect(isStructuredCandidate('package.json', '{')).toBe(false);
    expect(isStructuredCandidate('package-lock.json', '{')).toBe(false);
    expect(isStructuredCandidate('tsconfig.build.json', '{')).toBe(false);
    none('{"name": "x", "config": {"password": "Velvet9Moon"}}', 'package.json');
    none('{"client": {"key": "c4f1a9e2-7b3d-4e8f-9a6c-2d5b8e1f7a3c", "token_endpoint": "https://id.corp.example.net/token"}}', 'settings/client.json');
    expect(isStructuredCandidate('src/db.ts', '')).toBe(false);
    none('const config = { password: "Velvet9Moon", apiToken: "Rk2vT9qLm4xZ7pW3nB8c" };\n', 'src/db.ts');
  });

  it('malformed JSON falls back to lines', () => {
    one('{\n  "host": "ftp.corp.example.net",\n  "password": "Ember-Stone-61",\n  "port": 21\n  "oops"\n', 'sftp-config.json', 'config-password', 'Ember-Stone-61', 'password');
  });

  it('hostile nesting does not throw', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(() => scanStructured(`{"password": "Ember-Stone-61", "x": ${deep}}`, 'sftp-config.json')).not.toThrow();
    expect(() => scanStructured(`password: Ember-Stone-61\nx: ${deep}\n`, 'config/app.yml')).not.toThrow();
    expect(() => scanStructured('<a>'.repeat(5000) + '<password>Ember-Stone-61</password>', 'conf/app.xml')).not.toThrow();
  });
});

describe('Docker config.json auths', () => {
  it('reports the decoded password at the encoded span, with the registry in the key path', () => {
    const auth = b64('ci-bot:yCA2YsQ88xsZXvFIgtyu');
    const text = `{\n  "auths": {\n    "registry.corp.example.net": {\n      "auth": "${auth}"\n    }\n  },\n  "credsStore": ""\n}\n`;
    const hits = scanStructured(text, 'home/ci/.docker/config.json');
    expect(hits).toEqual([{ ruleId: 'docker-registry-auth', secret: 'yCA2YsQ88xsZXvFIgtyu', start: text.indexOf(auth), end: text.indexOf(auth) + auth.length, keyPath: 'auths.registry.corp.example.net.auth', encoded: 'base64' }]);
  });

  it('legacy .dockercfg', () => {
    const auth = b64('deploy:Nm7wGpaCHng6QUl0');
    const hits = scanStructured(`{"https://index.docker.io/v1/": {"auth": "${auth}", "email": "ops@corp.example.net"}}`, '.dockercfg');
    expect(hits.map((h) => [h.ruleId, h.secret])).toEqual([['docker-registry-auth', 'Nm7wGpaCHng6QUl0']]);
  });

  it('near misses: empty auth, not user:password, a dummy password, a credential helper', () => {
    none('{"auths": {"ghcr.io": {"auth": ""}}}', '.docker/config.json');
    none(`{"auths": {"ghcr.io": {"auth": "${b64('no-colon-here-just-text')}"}}}`, '.docker/config.json');
    none(`{"auths": {"ghcr.io": {"auth": "${b64('user:password')}"}}}`, '.docker/config.json');
    none('{"auths": {"ghcr.io": {}}, "credHelpers": {"gcr.io": "gcloud"}}', '.docker/config.json');
  });
});

describe('XML', () => {
  it('Hibernate <property name="connection.password">', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE hibernate-configuration PUBLIC "-//Hibernate/DTD//EN" "http://hibernate.org/dtd/hibernate-configuration-3.0.dtd">\n<hibernate-configuration>\n  <session-factory>\n    <property name="connection.username">shop</property>\n    <property name="connection.password">Walnut-Bay-73</property>\n  </session-factory>\n</hibernate-configuration>\n';
    one(text, 'src/main/resources/hibernate.cfg.xml', 'config-password', 'Walnut-Bay-73', 'hibernate-configuration.session-factory.connection.password');
  });

  it('attributes, .NET <add key value>, Maven <password>, Tomcat users', () => {
    one('<configuration><appSettings><add key="SmtpPassword" value="Lilac-Ridge-8"/></appSettings></configuration>', 'Web.config', 'config-password', 'Lilac-Ridge-8', 'configuration.appSettings.SmtpPassword');
    one('<settings><servers><server><id>nexus</id><username>ci</username><password>Granite!Hawk4</password></server></servers></settings>', 'home/ci/.m2/settings.xml', 'config-password', 'Granite!Hawk4');
    one('<tomcat-users>\n  <user username="manager" password="Birch-Lane-19" roles="manager-gui"/>\n</tomcat-users>\n', 'conf/tomcat-users.xml', 'config-password', 'Birch-Lane-19', 'tomcat-users.user.password');
  });

  it('DBeaver and .idea/WebServers.xml', () => {
    one('<data-sources><data-source id="pg" provider="postgresql"><connection host="db" port="5432" user="app" password="Aspen-Trail-40"/></data-source></data-sources>', 'workspace/.dbeaver-data-sources.xml', 'config-password', 'Aspen-Trail-40', 'data-sources.data-source.connection.password');
    one('<project version="4">\n  <component name="WebServers">\n    <option name="servers">\n      <webServer id="1" name="prod">\n        <fileTransfer host="ftp.corp.example.net" port="21" login="deploy" password="dfd9dfcadfc8dfcfdfcedfcd" />\n      </webServer>\n    </option>\n  </component>\n</project>\n', '.idea/WebServers.xml', 'config-password', 'dfd9dfcadfc8dfcfdfcedfcd');
  });

  it('FileZilla: base64 <Pass> decoded, with the host', () => {
    const enc = b64('Lq7vZ2kP9xR');
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3 version="3.66.1">\n  <Servers>\n    <Server>\n      <Host>ftp.corp.example.net</Host>\n      <Port>21</Port>\n      <User>deploy</User>\n      <Pass encoding="base64">${enc}</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n`;
    const hits = scanStructured(text, 'AppData/Roaming/FileZilla/sitemanager.xml');
    expect(hits).toEqual([{ ruleId: 'filezilla-password', secret: 'Lq7vZ2kP9xR', start: text.indexOf(enc), end: text.indexOf(enc) + enc.length, keyPath: 'FileZilla3.Servers.Server.Pass (host ftp.corp.example.net)', encoded: 'base64' }]);
  });

  it('near misses: Android-style booleans, templates, empty, comments, a test resource', () => {
    none('<config>\n  <!-- <password>Walnut-Bay-73</password> -->\n  <password></password>\n  <password>${db.password}</password>\n  <field password="true" passwordPolicy="strict"/>\n  <token>@TOKEN@</token>\n</config>\n', 'conf/app.xml');
    none('<hibernate-configuration><session-factory><property name="connection.password">Walnut-Bay-73</property></session-factory></hibernate-configuration>', 'src/test/resources/hibernate.cfg.xml');
  });

  it('malformed XML falls back to lines', () => {
    one('<config>\n  <db>\n    <password>Walnut-Bay-73</password>\n  <broken attr=novalue>\n', 'conf/app.xml', 'config-password', 'Walnut-Bay-73');
  });
});

describe('tool configs read by name', () => {
  it('.esmtprc key value lines', () => {
    one('identity deploy@corp.example.net\n  hostname smtp.corp.example.net:587\n  username "deploy@corp.example.net"\n  password "Saffron-Kite-6"\n  starttls required\n', '.esmtprc', 'config-password', 'Saffron-Kite-6', 'password');
  });

  it('password hashes in a config are low-severity hashed credentials', () => {
    one('users:\n  admin:\n    password: $2y$10$Qe8vL2mX7pR4tK9wN3bC6uD1fG5hJ0sA8eR2yU4iO6wE3zX7cV9b\n', 'config/users.yml', 'config-password-hash', '$2y$10$Qe8vL2mX7pR4tK9wN3bC6uD1fG5hJ0sA8eR2yU4iO6wE3zX7cV9b');
  });
});

describe('cases from real leaks', () => {
  it('word.Word123 passwords are passwords, not dotted property names', () => {
    one('mysql_root_password: Raven.Cobalt719\n', 'group_vars/all/vars.yml', 'config-password', 'Raven.Cobalt719', 'mysql_root_password');
    one('mail.smtp.password = Raven.Falcon931\n', 'WEB-INF/classes/mail.properties', 'config-password', 'Raven.Falcon931');
    none('auth:\n  token: com.example.auth.TokenProvider\n', 'config/app.yml');
  });

  it('.gitconfig sections: smtppass and a 40-hex [github] token', () => {
    const text = '[user]\n\tname = Dev\n[sendemail]\n\tsmtpserver = smtp.corp.example.net\n\tsmtppass = srezzgxasabqjqem\n[github]\n\tuser = dev\n\ttoken = 4cbb746c1c96ceaff3c0cf96e137c5c19871ef47\n';
    const hits = scanStructured(text, 'home/dev/.gitconfig');
    expect(hits.map((h) => [h.ruleId, h.keyPath, text.slice(h.start, h.end)])).toEqual([
      ['config-password', '[sendemail].smtppass', 'srezzgxasabqjqem'],
      ['config-token', '[github].token', '4cbb746c1c96ceaff3c0cf96e137c5c19871ef47'],
    ]);
    // "bypass" and "compass" end in "pass" and are not one.
    none('[proxy]\nbypass = internal.corp.example.net,10.0.0.0/8\ncompass = n1e2w3s4\n', 'settings.ini');
  });

  it('INI triple-quoted values (Grafana) and `key = value` in .esmtprc', () => {
    one('[smtp]\nenabled = true\npassword = """Fcu9wZk+CPQZ7g.0GU#;"""\n', 'etc/grafana/grafana.ini', 'config-password', 'Fcu9wZk+CPQZ7g.0GU#;', '[smtp].password');
    one('identity deploy@corp.example.net\n  password = "vfhrmkrdubbgpirn"\n', '.esmtprc', 'config-password', 'vfhrmkrdubbgpirn');
  });

  it('a base64 value starting with a slash is not a path', () => {
    one('app.security.jwt.secret-key=/MF+cijVvuube6ascEw4cbm4o0QaMXa/6fOouDqAJbg=\n', 'application.properties', 'config-secret', '/MF+cijVvuube6ascEw4cbm4o0QaMXa/6fOouDqAJbg=');
  });

  it('composer auth.json: a host key under github-oauth, and http-basic passwords', () => {
    const text = '{\n  "http-basic": {"repo.packagist.com": {"username": "token", "password": "2d96a8f6141c393c99cd1d5b3961fd7256f3c8b4"}},\n  "github-oauth": {"github.com": "fb2bc8671cf2461dc34fce19bd8f995b49e7c33e"}\n}\n';
    const hits = scanStructured(text, 'auth.json');
    expect(hits.map((h) => [h.ruleId, h.keyPath, text.slice(h.start, h.end)])).toEqual([
      ['config-password', 'http-basic.repo.packagist.com.password', '2d96a8f6141c393c99cd1d5b3961fd7256f3c8b4'],
      ['config-token', 'github-oauth.github.com', 'fb2bc8671cf2461dc34fce19bd8f995b49e7c33e'],
    ]);
  });

  it('Helm erlangCookie by value shape; a word under a cookie key is not one', () => {
    one('rabbitmq:\n  auth:\n    erlangCookie: QLC38SJL3ON6JEZ6G9S4ZWUA8RATBK7P\n', 'charts/billing/values.yaml', 'config-secret', 'QLC38SJL3ON6JEZ6G9S4ZWUA8RATBK7P');
    none('session:\n  cookie: sessionid\n  cookie_secure: true\n', 'charts/billing/values.yaml');
  });

  it('a JSON document inside a YAML string (GitLab DOCKER_AUTH_CONFIG), at its offset', () => {
    const auth = b64('ci-runner:8Xy!0zo9og--wO8MIy');
    const text = `variables:\n  DOCKER_AUTH_CONFIG: '{"auths":{"registry.corp-lan.net":{"auth":"${auth}"}}}'\nbuild:\n  script:\n    - make\n`;
    const hits = scanStructured(text, '.gitlab-ci.yml');
    expect(hits).toEqual([{ ruleId: 'docker-registry-auth', secret: '8Xy!0zo9og--wO8MIy', start: text.indexOf(auth), end: text.indexOf(auth) + auth.length, keyPath: 'variables.DOCKER_AUTH_CONFIG.auths.registry.corp-lan.net.auth', encoded: 'base64' }]);
  });

  it('a Kubernetes pull secret: base64 of a docker config, reported at the encoded value', () => {
    const inner = b64(JSON.stringify({ auths: { 'registry.corp-lan.net': { username: 'puller', password: 'a_3UoMYpKXhn8hZ59iK_' } } }));
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${inner}\n`;
    const hits = scanStructured(text, 'k8s/manifests/regcred.yaml');
    expect(hits.map((h) => [h.ruleId, h.secret, h.start, h.end])).toEqual([['docker-registry-auth', 'a_3UoMYpKXhn8hZ59iK_', text.indexOf(inner), text.indexOf(inner) + inner.length]]);
    none(`data:\n  .dockerconfigjson: ${b64('{"auths":{}}')}\n`, 'k8s/regcred.yaml');
  });

  it('an ECR password (a long signed token) is still reported', () => {
    const token = `eyJwYXlsb2FkIjoi${'Qk9aK3pwRE1VbGpXUnZxOXlr'.repeat(40)}`;
    const hits = scanStructured(JSON.stringify({ auths: { '123456789012.dkr.ecr.us-east-1.amazonaws.com': { auth: b64(`AWS:${token}`) } } }), '.docker/config.json');
    expect(hits.map((h) => [h.ruleId, h.secret])).toEqual([['docker-registry-auth', token]]);
  });

  it('daemon .conf syntax is not a credential file by extension', () => {
    none('passwd:         files\ngroup:          files\nshadow:         files\n', 'etc/nsswitch.conf');
  });

  it('a password-named key in source code and in a source test fixture is not read', () => {
    expect(isStructuredCandidate('app/settings.py', '')).toBe(false);
    none("DATABASES = {'default': {'PASSWORD': 'Raven.Cobalt719'}}\n", 'app/settings.py');
    none('export const fixture = { password: "Raven.Cobalt719" };\n', 'test/fixtures/users.ts');
  });
});

describe('candidates and limits', () => {
  it('is a candidate by name, extension and sniff; not for source code or lock files', () => {
    for (const p of ['.env', '.env.local', 'prod.env', '.bashrc', 'application.properties', 'setup.cfg', 'Cargo.toml', 'values.yaml', 'x.json', 'pom-settings.xml', '.s3cfg', '.esmtprc', '.tugboat', 'home/u/.config/hub']) {
      expect(isStructuredCandidate(p, ''), p).toBe(true);
    }
    for (const p of ['src/a.ts', 'lib/x.py', 'main.go', 'yarn.lock', 'Cargo.lock', 'README.md', 'bin/tool']) {
      expect(isStructuredCandidate(p, ''), p).toBe(false);
    }
    expect(isStructuredCandidate('deploy/settings', '[server]\nhost = x\n')).toBe(true);
    expect(isStructuredCandidate('deploy/settings', 'plain words here')).toBe(false);
    expect(isStructuredCandidate('bin/release', '#!/bin/bash\nset -e\n')).toBe(true);
    expect(isStructuredCandidate('bin/tool', '#!/usr/bin/env python3\nPASSWORD = "x"\n')).toBe(false);
  });

  // Hang detectors, not performance measurements: each input would take minutes with a careless reader.
  const PATHS = ['.env', 'a.properties', 'a.ini', 'a.toml', '.esmtprc', 'config/a.yml', 'config/a.json', 'conf/a.xml', '.docker/config.json'];
  it.each([
    ['unclosed quotes', 'password="'.repeat(100_000)],
    ['separators only', 'secret:='.repeat(100_000)],
    ['deep brackets', '{"a":'.repeat(100_000)],
    ['deep YAML indentation', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
    ['open tags', '<a '.repeat(200_000)],
    ['attributes without end', '<a ' + 'password="x" '.repeat(100_000)],
    ['a long run of spaces', 'password:' + ' '.repeat(1_000_000) + 'x'],
    ['backslashes in a string', '{"password": "' + '\\"'.repeat(500_000)],
    ['base64 auths', '{"auths":{"r":{"auth":"' + 'QUJD'.repeat(200_000) + '"}}}'],
  ])('does not hang or throw on %s', { timeout: 20_000 }, (_name, input) => {
    for (const path of PATHS) expect(() => scanStructured(input, path)).not.toThrow();
  });

  it('does not parse texts over 2 MiB', () => {
    const big = `DB_PASSWORD=Quartz-Owl-58\n${'# filler line\n'.repeat(200_000)}`;
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(scanStructured(big, '.env')).toEqual([]);
    expect(scanStructured(big.slice(0, 1000), '.env')).toHaveLength(1);
  });
});

describe('rule metadata', () => {
  it('every emitted id has structured metadata and examples that hold', () => {
    for (const rule of structuredRules) {
      expect(rule.structured, rule.id).toBe(true);
      expect(rule.keywords, rule.id).toEqual([]);
      expect(rule.pattern.source, rule.id).toContain('(?<secret>');
      expect(rule.examples.positive.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.examples.negative.length, rule.id).toBeGreaterThanOrEqual(2);
      for (const ex of rule.examples.positive) {
        // Decoded rules report the decoded password at the encoded span; every other the span itself.
        const span = ex.encoded ?? ex.secret;
        const at = ex.text.indexOf(span);
        const hits = scanStructured(ex.text, rule.examples.path ?? '');
        expect(hits.map((h) => [h.ruleId, h.secret, h.start, h.end, h.encoded]), ex.text).toEqual([[rule.id, ex.secret, at, at + span.length, ex.encoded ? 'base64' : undefined]]);
      }
      for (const text of rule.examples.negative) expect(scanStructured(text, rule.examples.path ?? ''), text).toEqual([]);
    }
  });
});

describe('GitHub Actions workflows (read by lines first: parsed only when that finds a candidate)', () => {
  const path = '.github/workflows/release.yml';
  it('finds a literal token in a workflow env block, with its full key path', () => {
    const token = ['Zp9', 'wQ4rT7', 'yU2iO5pA8sD'].join('');
    const text = `name: release\non:\n  push:\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      DEPLOY_TOKEN: ${token}\n    steps:\n      - run: make\n`;
    one(text, path, 'config-token', token, 'jobs.publish.env.DEPLOY_TOKEN');
  });
  it('is quiet on secrets references and expressions', () => {
    none(`jobs:\n  b:\n    env:\n      TOKEN: \${{ secrets.DEPLOY_TOKEN }}\n      GH_TOKEN: \${{ github.token }}\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: \${{ secrets.PAT }}\n`, path);
  });
});
