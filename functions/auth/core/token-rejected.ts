/**
 * Why a token was refused: the message is safe to return to the client; `audited` refusals
 * (a foreign issuer, claims that do not map, an account type or token kind the provider may
 * not vouch for) are hostile or misconfigured rather than merely stale, and leave an audit entry.
 */
export class TokenRejectedError extends Error {
  readonly audited: boolean;
  /** The token's (unverified, shortened) issuer and subject, for the audit entry. */
  issuer?: string;
  subject?: string;
  constructor(
    message: string,
    readonly reason: string = 'invalid',
    options: { audited?: boolean } = {},
  ) {
    super(message);
    this.name = 'TokenRejectedError';
    this.audited = options.audited ?? false;
  }
}
