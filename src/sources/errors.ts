import { EXIT, NhiscanError } from '../errors.js';

/**
 * A target that exists but could not be read (permission denied, an I/O error): exit 3, because
 * the contract's 3 is "not everything was read", and the report is still written with the gap.
 * A target that does not exist or cannot be a source (a FIFO, a device) is a UsageError instead.
 */
export class SourceError extends NhiscanError {
  constructor(message: string) {
    super(message, EXIT.incomplete);
  }
}
