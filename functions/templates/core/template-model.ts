import { z } from 'zod';
import { userRoles, type Role } from '../../platform/core/principal.ts';
import { normaliserNames } from './normalisers.ts';
import { findPatternProblem, maxPatternLength } from './safe-pattern.ts';
import { foldWithOffsets } from './text-folding.ts';

/**
 * Recognition templates are versioned data, created and edited through the API: this schema
 * is the only gate between a user's JSON and the extraction engine, so it bounds every list
 * and string, and refuses patterns that could backtrack catastrophically (see safe-pattern.ts).
 */

/** The built-in document types of DESIGN.md; their keys are a public contract. */
export const builtinTypeKeys = [
  'xac-nhan-cu-tru',
  'giay-phep-lai-xe',
  'dang-ky-xe',
  'quyet-dinh-xu-phat',
  'chung-nhan-antt',
  'cong-van',
] as const;
export type BuiltinTypeKey = (typeof builtinTypeKeys)[number];

export const templateActions = ['view', 'use', 'edit', 'grant'] as const;

/** Recognition reads the first pages only: forms carry their fields there, and it bounds the work. */
export const pagesRead = 10;
export type TemplateAction = (typeof templateActions)[number];

/** A phrase as printed on the form; it must keep something to match once folded. */
const phrase = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => foldWithOffsets(value, 'words').text.length > 0, 'must contain letters or digits');

/**
 * A field label. A label ending in ':' only counts when OCR also read a colon after it: short
 * labels like 'Số:' begin too many ordinary phrases ('Số 12 phố Hàng Bạc') to match without it.
 */
const label = phrase(80);

const pattern = z
  .string()
  .max(maxPatternLength)
  .superRefine((source, context) => {
    const problem = findPatternProblem(source);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const unit = z.number().min(0).max(1);
/** A region of a page in fractions of its width and height, (0,0) at the top left. */
const zone = z
  .strictObject({ page: z.int().min(1).max(pagesRead).optional(), x0: unit, y0: unit, x1: unit, y1: unit })
  .refine((box) => box.x0 < box.x1 && box.y0 < box.y1, 'a zone must have x0 < x1 and y0 < y1');

const field = z
  .strictObject({
    /** The key of the value in a document's `fields`. */
    name: z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'must be a camelCase identifier'),
    labels: z.array(label).min(1).max(12).optional(),
    /**
     * Where the value sits relative to a label: after it on the same line (or alone on the line
     * below), or on the line above it (an agency header above 'Số:').
     */
    valueAt: z.enum(['after', 'above']).optional(),
    /** How many lines a value may run over (addresses and summaries wrap). Default 1. */
    maxLines: z.int().min(1).max(5).optional(),
    /**
     * A regular expression matched, case-insensitively, against the folded text (lower case,
     * no diacritics, đ → d): the value is its `value` group, else its first group, else the whole
     * match, cut from the original text with its diacritics. With labels it runs on the text after
     * the label; with a zone on the zone's text; alone, on each line.
     */
    pattern: pattern.optional(),
    /**
     * Reads only the words whose centres fall in this region, as rows; labels and pattern then
     * apply to those rows, and without them the whole zone is the value.
     */
    zone: zone.optional(),
    /**
     * A place in the page's layout the value is read from before any label: `issuing-agency`
     * is the agency line(s) top left under the parent body's line (Decree 30/2020/NĐ-CP).
     */
    layout: z.enum(['issuing-agency']).optional(),
    /**
     * The shape of a code value, a pattern matched against the whole folded value. A reading
     * that does not fit is repaired when exactly one change among the letters and digits OCR
     * confuses (O/0, I/1, L/1, S/5, B/8, G/6, Z/2, E/F, or a doubled look-alike: 'PV0O1') fits.
     */
    shape: pattern.optional(),
    /**
     * The field's type: how its value is normalised (normalisers.ts) and validated
     * (field-validators.ts); `document-number` is a code checked as `N/ABBR-UNIT`.
     */
    normaliser: z.enum(normaliserNames),
    required: z.boolean(),
  })
  .refine(
    (value) => value.labels || value.pattern || value.zone || value.layout,
    'a field needs labels, a pattern, a zone or a layout place',
  )
  // The published schema says the same, so clients generated from it know.
  .meta({
    anyOf: [{ required: ['labels'] }, { required: ['pattern'] }, { required: ['zone'] }, { required: ['layout'] }],
  });

const anchor = z.strictObject({ phrase: phrase(120), weight: z.number().positive().max(10) });

/** A rule names a role, a unit, or both; `ruleRoles` narrows the roles a rule may name. */
const permissionRule = (ruleRoles: readonly [Role, ...Role[]]) =>
  z
    .strictObject({
      role: z
        .enum(ruleRoles, {
          error:
            ruleRoles.length < userRoles.length
              ? 'only officers and administrators may edit templates or grant permissions on them'
              : undefined,
        })
        .optional(),
      unit: z
        .string()
        .regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'must be a unit code such as PC06')
        .optional(),
    })
    .refine((rule) => rule.role !== undefined || rule.unit !== undefined, 'a rule names a role, a unit, or both')
    .meta({ anyOf: [{ required: ['role'] }, { required: ['unit'] }] });
const rules = (ruleRoles: readonly [Role, ...Role[]]) => z.array(permissionRule(ruleRoles)).max(50);
/** Only officers and administrators may edit templates or grant permissions on them. */
// Template rules name people's roles; machine clients (system) never use templates.
const staffRoles = userRoles.filter((role) => role !== 'citizen' && role !== 'organization') as [Role, ...Role[]];

const permissions = z.strictObject({
  view: rules(userRoles),
  use: rules(userRoles),
  edit: rules(staffRoles),
  grant: rules(staffRoles)
    .refine(
      (value) => value.some((rule) => rule.role === 'admin'),
      'an administrator must keep the right to grant, or the permissions could never be changed again',
    )
    .meta({ contains: { required: ['role'], properties: { role: { const: 'admin' } } } }),
});

export const recognitionTemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  /** The document type it recognises: a built-in type key or a custom one. */
  key: z.string().regex(/^[a-z][a-z0-9-]{1,47}$/, 'must be lower-case letters, digits and dashes'),
  version: z.int().min(1),
  /** Vietnamese, as officers know the document. */
  name: z.string().trim().min(1).max(120),
  active: z.boolean(),
  identification: z.strictObject({
    anchors: z.array(anchor).min(1).max(12),
    /** Score (0..1) below which this template does not claim a document. */
    minScore: z.number().min(0).max(1),
  }),
  fields: z
    .array(field)
    .min(1)
    .max(30)
    .refine(
      (fields) => new Set(fields.map((value) => value.name)).size === fields.length,
      'field names must be unique',
    ),
  /** Labels printed on the form that are not extracted: a value stops where one begins. */
  stopLabels: z.array(label).max(30),
  permissions,
  createdAt: z.iso.datetime(),
  createdBy: z.string().min(1).max(200),
});

export type RecognitionTemplate = z.infer<typeof recognitionTemplateSchema>;
export type TemplateField = RecognitionTemplate['fields'][number];
export type TemplatePermissions = RecognitionTemplate['permissions'];
export type PermissionRule = TemplatePermissions['view'][number];
