import { emptyConfig, type Config } from '../../src/config.js';
import { isSecretFinding, type Report, type SecretFinding } from '../../src/model.js';
import { planScan, runScan, type ScanOptions } from '../../src/scan.js';

export async function scan(target: string, opts: Partial<ScanOptions> & { config?: Config } = {}): Promise<Report> {
  const full: ScanOptions = {
    target,
    noGit: false,
    noIgnore: false,
    staged: false,
    allObjects: false,
    maxFileSize: 10 * 1024 * 1024,
    showSecrets: true,
    config: emptyConfig(),
    ...opts,
  };
  return runScan(await planScan(full), full);
}

export function secrets(report: Report): SecretFinding[] {
  return report.findings.filter(isSecretFinding);
}

export function bySecret(report: Report, secret: string): SecretFinding | undefined {
  return secrets(report).find((f) => f.secret === secret);
}
