import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { toPem } from '../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../functions/pdf-pki/development-ca.ts';
import { emulatorRegion } from '../../localstack/emulator.ts';

export interface SealCertification {
  /** The test root CA: the agency-seal trust anchor, and the only root the validators trust. */
  rootPem: string;
  /** The agency certificate for the KMS key, then the root. */
  chainPem: string;
}

/**
 * What a CA does for a real deployment, done for this run: read the seal key's public key
 * from (the emulator's) KMS and certify it under a throw-away root.
 */
export async function certifySealKey(
  endpoint: string,
  keyArn: string,
  /** The agency certificate's validity; the issuer's default (two years from a minute ago) when absent. */
  validity: { validFrom?: Date; validDays?: number } = {},
): Promise<SealCertification> {
  const kms = new KMSClient({
    endpoint,
    region: emulatorRegion,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const { PublicKey, KeySpec } = await kms.send(new GetPublicKeyCommand({ KeyId: keyArn }));
    if (!PublicKey || KeySpec !== 'ECC_NIST_P256')
      throw new Error(`the seal key ${keyArn} has no P-256 public key (${KeySpec})`);
    const root = await createRootCa({ commonName: 'khoso stack test root CA', organization: 'khoso tests' });
    const agency = await issueCertificate({
      issuer: root,
      commonName: 'Cơ quan thử nghiệm khoso',
      organization: 'khoso tests',
      publicKey: PublicKey,
      ...validity,
    });
    const rootPem = toPem(root.certificate);
    return { rootPem, chainPem: toPem(agency.certificate) + rootPem };
  } finally {
    kms.destroy();
  }
}
