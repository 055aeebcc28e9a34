import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { auditEntry } from '../../functions/audit/core/audit.ts';
import type { Clock, IdGenerator } from '../../functions/platform/core/runtime.ts';
import { toPem } from '../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../functions/pdf-pki/development-ca.ts';
import type { SigningSettingsRepository } from '../../functions/signing/core/signing-settings.ts';
import { signingAuditOwner } from '../../functions/signing/core/signing-settings.ts';

export interface DevelopmentSeal {
  /** PKCS#8 DER of the seal key. */
  sealKeyPkcs8: Uint8Array;
  /** The seal certificate, then the development root (PEM). */
  chainPem: string;
  rootPem: string;
}

const files = (dir: string) => ({
  key: join(dir, 'seal-key.pk8'),
  chain: join(dir, 'seal-chain.pem'),
  root: join(dir, 'root-ca.pem'),
});

/**
 * The embedded runtime's seal: on first start a development root CA and an agency
 * certificate for a fresh P-256 key, kept under the data folder so signatures made
 * yesterday still verify today. No production deployment ever runs this.
 */
export async function loadDevelopmentSeal(dir: string): Promise<DevelopmentSeal> {
  const paths = files(dir);
  try {
    const [key, chainPem, rootPem] = await Promise.all([
      readFile(paths.key),
      readFile(paths.chain, 'utf8'),
      readFile(paths.root, 'utf8'),
    ]);
    return { sealKeyPkcs8: new Uint8Array(key), chainPem, rootPem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const root = await createRootCa({
    commonName: 'khoso development root CA (not for production)',
    organization: 'khoso',
    validDays: 3650,
  });
  const seal = await issueCertificate({
    issuer: root,
    commonName: 'Cơ quan cấp kết quả (khoso, môi trường phát triển)',
    organization: 'Bộ Công an (development)',
    validDays: 1825,
  });
  const rootPem = toPem(root.certificate);
  const chainPem = toPem(seal.certificate) + rootPem;
  await mkdir(dir, { recursive: true });
  await writeFile(paths.key, seal.privateKeyPkcs8, { mode: 0o600 });
  await writeFile(paths.chain, chainPem);
  await writeFile(paths.root, rootPem);
  return { sealKeyPkcs8: seal.privateKeyPkcs8, chainPem, rootPem };
}

/** First start: the development root becomes the seal's trust anchor and the chain its certificate. */
export async function installDevelopmentSeal(
  deps: { clock: Clock; ids: IdGenerator },
  settings: SigningSettingsRepository,
  seal: DevelopmentSeal,
): Promise<void> {
  if (await settings.getSealCertificates()) return;
  const context = {
    principal: { sub: 'system:embedded-runtime', role: 'admin' as const },
    sourceIp: 'internal',
    requestId: 'first-start',
  };
  const audit = (action: string) => [
    auditEntry(deps, context, {
      ownerId: signingAuditOwner,
      action,
      resourceType: 'signing-settings',
      resourceId: 'agency-seal',
      detail: { development: true },
    }),
  ];
  await settings.saveTrustAnchors('agency-seal', seal.rootPem, audit('signing.trust-anchors.set'));
  await settings.saveSealCertificates(seal.chainPem, audit('signing.seal-certificate.import'));
}
