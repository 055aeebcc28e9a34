import { z } from 'zod';

/** What a digitised paper lacks and the portal requires; from the stage's configuration. */
export interface DossierDefaults {
  /** `MaTTHC` when the document has no procedureCode field. */
  procedureCode: string;
  /** `TenTTHC` when the document has no procedureName field. */
  procedureName: string;
  /** `MaGiayToKetQua` of a document without a type. */
  resultTypeCode: string;
  /** `DonViXuLy` of a document without an issuing unit. */
  processingUnit: string;
}

/** Until a stage configures its own: a digitised result of an administrative procedure. */
export const standardDossierDefaults: DossierDefaults = {
  procedureCode: '1.000046',
  procedureName: 'Kết quả giải quyết thủ tục hành chính (số hoá)',
  resultTypeCode: 'KQ.G15.000031',
  processingUnit: '000.00.01.H22',
};

/** Procedure, result-type and unit codes as the portal writes them: `1.004616.000.00.00.H56`, `KQ.G15.000031`. */
export const portalCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'letters, digits and . _ / - only, at most 100 characters');

const noControlCharacters = /^[^\u0000-\u001F\u007F-\u009F]+$/;

/** A stage's own defaults: any field left out keeps the standard one. */
export const dossierDefaultsSchema = z.strictObject({
  procedureCode: portalCode.optional(),
  procedureName: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .regex(noControlCharacters, 'must not contain control characters')
    .optional(),
  resultTypeCode: portalCode.optional(),
  processingUnit: portalCode.optional(),
});

/** The stage's settings over the standard defaults; a bad value throws, naming the field. */
export function dossierDefaultsFrom(settings: unknown): DossierDefaults {
  const parsed = dossierDefaultsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `dossierDefaults${issue.path.map((part) => `.${String(part)}`).join('')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid dossier defaults: ${problems}`);
  }
  return { ...standardDossierDefaults, ...parsed.data };
}
