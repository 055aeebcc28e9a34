import { toPem } from '../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../functions/pdf-pki/development-ca.ts';

/**
 * A seal certificate chain (leaf, root) valid from 2000 for sixty years, so the fake vault's
 * seal is ready at any clock a test sets; made once per test process.
 */
const validFrom = new Date('2000-01-01T00:00:00Z');
const root = await createRootCa({ commonName: 'khoso unit-test root CA', validFrom, validDays: 60 * 365 });
const seal = await issueCertificate({ issuer: root, commonName: 'Cơ quan thử nghiệm', validFrom, validDays: 60 * 365 });

export const testSealRootPem = toPem(root.certificate);
export const testSealChainPem = toPem(seal.certificate) + testSealRootPem;
