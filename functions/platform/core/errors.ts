/**
 * Domain errors. They carry a stable code and a safe message, never an HTTP status:
 * the API layer maps them to problem+json in one place.
 */
export type DomainErrorCode =
  | 'not-found'
  | 'conflict'
  | 'name-taken'
  | 'folder-cycle'
  | 'protected-folder'
  | 'invalid-input'
  | 'forbidden-role'
  | 'upload-not-ready'
  | 'seal-not-configured'
  | 'quota-exceeded'
  | 'signature-rejected'
  | 'expired'
  | 'provider-unavailable'
  | 'pin-required'
  | 'permission-denied'
  | 'rate-limited'
  | 'webhook-target-refused';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The resource does not exist or is not the caller's: the two are never told apart. */
export class NotFoundError extends DomainError {
  readonly code = 'not-found' as const;
  constructor(resource: string) {
    super(`${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(
    readonly code:
      'conflict' | 'name-taken' | 'folder-cycle' | 'protected-folder' | 'upload-not-ready' | 'seal-not-configured',
    message: string,
  ) {
    super(message);
  }
}

export class InvalidInputError extends DomainError {
  readonly code = 'invalid-input' as const;
}

/** The caller's role may not use this operation at all (not about a particular resource). */
export class ForbiddenRoleError extends DomainError {
  readonly code = 'forbidden-role' as const;
}

/** A signature, certificate or signing request failed its checks; the message says which. */
export class SignatureRejectedError extends DomainError {
  readonly code = 'signature-rejected' as const;
}

/** The request existed but its time is over (an expired signing request). */
export class ExpiredError extends DomainError {
  readonly code = 'expired' as const;
}

/** An outside service (a remote signing provider) cannot be reached now; trying later may work. */
export class ProviderUnavailableError extends DomainError {
  readonly code = 'provider-unavailable' as const;
}

/** A share or link reaches the resource but does not allow this use of it (e.g. a download). */
export class PermissionDeniedError extends DomainError {
  readonly code = 'permission-denied' as const;
}

/** A shared link is protected by a PIN, and none or a wrong one was given. */
export class PinRequiredError extends DomainError {
  readonly code = 'pin-required' as const;
}

/** Too many failed attempts (wrong PINs, unknown link tokens); trying again after the wait may work. */
export class RateLimitedError extends DomainError {
  readonly code = 'rate-limited' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A write lost a race it may win on a fresh read; use cases retry a few times before giving up. */
/** A webhook URL this deployment may not call (not HTTPS, or an address inside our network). */
export class WebhookTargetRefusedError extends DomainError {
  readonly code = 'webhook-target-refused' as const;
}

export class ConcurrentUpdateError extends Error {
  constructor(message = 'concurrent update') {
    super(message);
    this.name = 'ConcurrentUpdateError';
  }
}
