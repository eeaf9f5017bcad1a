// Errors carry the exit code they map to, so the CLI layer never has to guess.

export const EXIT = { clean: 0, findings: 1, usage: 2, incomplete: 3 } as const;

export class NhiscanError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, bad arguments, bad config: exit 2. */
export class UsageError extends NhiscanError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** git missing, not a repository, corrupt objects: exit 3. */
export class GitError extends NhiscanError {
  constructor(message: string) {
    super(message, EXIT.incomplete);
  }
}

/** A provider or runtime failure: exit 3. */
export class ProviderError extends NhiscanError {
  constructor(message: string) {
    super(message, EXIT.incomplete);
  }
}

/** The report (or another output) could not be written: the run did not deliver, exit 3. */
export class OutputError extends NhiscanError {
  constructor(message: string) {
    super(message, EXIT.incomplete);
  }
}
