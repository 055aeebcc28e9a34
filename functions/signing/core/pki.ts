/**
 * The pdf-pki toolkit as signing calls it: the same functions, with the toolkit's
 * PdfPkiInputError turned into the vault's InvalidInputError (a 400 problem at the API, a
 * refusal the signing use cases record). Signing and the digitize Seal step import the
 * functions that read caller-supplied input from here, not from pdf-pki directly.
 */
import * as certificates from '../../pdf-pki/certificates.ts';
import * as cms from '../../pdf-pki/cms.ts';
import { PdfPkiInputError } from '../../pdf-pki/errors.ts';
import * as pades from '../../pdf-pki/pades.ts';
import { InvalidInputError } from '../../platform/core/errors.ts';

function vaultErrorOf(error: unknown): unknown {
  return error instanceof PdfPkiInputError ? new InvalidInputError(error.message, { cause: error }) : error;
}

function mapped<A extends unknown[], R>(toolkitFunction: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    let result: R;
    try {
      result = toolkitFunction(...args);
    } catch (error) {
      throw vaultErrorOf(error);
    }
    if (!(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      throw vaultErrorOf(error);
    }) as R;
  };
}

export const parseCertificates = mapped(certificates.parseCertificates);
export const describeCertificate = mapped(certificates.describeCertificate);
export const certificatePublicKey = mapped(certificates.certificatePublicKey);
export const checkCertificateChain = mapped(certificates.checkCertificateChain);
export const buildSignedAttributes = mapped(cms.buildSignedAttributes);
export const assembleCms = mapped(cms.assembleCms);
export const verifyRawSignature = mapped(cms.verifyRawSignature);
export const inspectCms = mapped(cms.inspectCms);
export const preparePdfSignature = mapped(pades.preparePdfSignature);
export const embedPdfSignature = mapped(pades.embedPdfSignature);
export const readPdfSignatures = mapped(pades.readPdfSignatures);
