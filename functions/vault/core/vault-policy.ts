/** Limits an administrator sets per deployment; the core enforces them. */
export interface VaultPolicy {
  maxUploadBytes: number;
  uploadUrlTtlSeconds: number;
  /** Presigned downloads live at most five minutes. */
  downloadUrlTtlSeconds: number;
  allowedContentTypes: readonly string[];
  maxImagePixels: number;
  maxPdfPages: number;
  maxFolderDepth: number;
  maxFoldersPerOwner: number;
  /** A signature request not completed within this many seconds expires. */
  signatureRequestTtlSeconds: number;
  /** Remote signatures are checked after this many seconds, then twice as late each time, up to the maximum. */
  remoteSignatureFirstCheckSeconds: number;
  remoteSignatureMaxCheckIntervalSeconds: number;
  /** Room reserved in a PDF for its CMS signature. */
  pdfSignatureBytes: number;
  /** Wrong PINs in a row that lock a shared link, and for how long. */
  linkPinAttempts: number;
  linkLockSeconds: number;
  /** Unknown link tokens one source IP may try per minute before it gets 429. */
  linkMissesPerMinute: number;
}

export const defaultVaultPolicy: VaultPolicy = {
  maxUploadBytes: 20 * 1024 * 1024,
  uploadUrlTtlSeconds: 900,
  downloadUrlTtlSeconds: 300,
  allowedContentTypes: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'],
  maxImagePixels: 100_000_000,
  maxPdfPages: 500,
  maxFolderDepth: 16,
  maxFoldersPerOwner: 2_000,
  signatureRequestTtlSeconds: 600,
  remoteSignatureFirstCheckSeconds: 2,
  remoteSignatureMaxCheckIntervalSeconds: 30,
  pdfSignatureBytes: 16_384,
  linkPinAttempts: 5,
  linkLockSeconds: 900,
  linkMissesPerMinute: 20,
};
