import { auditEntry } from '../../audit/core/audit.ts';
import { isDeepStrictEqual } from 'node:util';
import {
  ConcurrentUpdateError,
  ConflictError,
  ForbiddenRoleError,
  InvalidInputError,
  NotFoundError,
} from '../../platform/core/errors.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { OcrEngine, OcrPage } from '../../digitize/core/ocr-engine.ts';
import { inspectScan } from '../../digitize/core/scan-validation.ts';
import { classifyDocument } from './classify.ts';
import { extractFields } from './extract.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { AuditHistory } from '../../audit/core/history.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { builtinTemplates } from './builtin-templates.ts';
import {
  recognitionTemplateSchema,
  type RecognitionTemplate,
  type TemplateAction,
  type TemplatePermissions,
} from './template-model.ts';
import { can } from './template-permissions.ts';
import { templateAuditOwner, type TemplateRepository } from './template-repository.ts';

type Deps = Pick<VaultDeps, 'templates' | 'clock' | 'ids'> & { repository: UnitOfWork & AuditHistory };

/** Repositories known to hold the built-in templates: seeding is never undone, so this only saves reads. */
const seeded = new WeakSet<TemplateRepository>();

/**
 * Seeds the six built-in templates on first use. A built-in template the system seeded and
 * nobody has edited since is upgraded to the current definition as a new version (so stores
 * seeded before a rule change read with the new rules); one an administrator edited is left alone.
 */
export async function ensureBuiltinTemplates(deps: Deps): Promise<void> {
  if (seeded.has(deps.templates)) return;
  const now = deps.clock.now().toISOString();
  for (const template of builtinTemplates(now)) {
    const stored = await deps.templates.getTemplate(template.id);
    if (stored && (stored.createdBy !== 'system' || sameRules(stored, template))) continue;
    const next = stored
      ? { ...template, version: stored.version + 1, active: stored.active, permissions: stored.permissions }
      : template;
    try {
      await deps.templates.saveTemplate(next, stored, [
        auditEntry(deps, systemContext, {
          ownerId: templateAuditOwner,
          action: stored ? 'template.upgrade' : 'template.seed',
          resourceType: 'template',
          resourceId: template.id,
          detail: { key: template.key, version: next.version },
        }),
      ]);
    } catch (error) {
      // Another container seeded or upgraded it first.
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  seeded.add(deps.templates);
}

/** Whether two versions of a template recognise the same way. */
function sameRules(a: RecognitionTemplate, b: RecognitionTemplate): boolean {
  const rules = (template: RecognitionTemplate) => [
    template.name,
    template.identification,
    template.fields,
    template.stopLabels,
  ];
  // Deep equality, not JSON: a stored template's keys may come back in another order.
  return isDeepStrictEqual(rules(a), rules(b));
}

const systemContext: RequestContext = {
  principal: { sub: 'system', role: 'admin' },
  sourceIp: 'internal',
  requestId: 'seed',
};

/**
 * Loads a template for an action. Someone who may not even view it is told it does not
 * exist; someone who may view but not act is refused. Both refusals are audited.
 */
async function authorise(
  deps: Deps,
  context: RequestContext,
  id: string,
  action: TemplateAction,
): Promise<RecognitionTemplate> {
  await ensureBuiltinTemplates(deps);
  const template = await deps.templates.getTemplate(id);
  const visible = template !== undefined && can(context.principal, template, 'view');
  if (template && visible && can(context.principal, template, action)) return template;
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: templateAuditOwner,
      action: `template.${action}`,
      resourceType: 'template',
      resourceId: id,
      outcome: 'denied',
    }),
  );
  if (!template || !visible) throw new NotFoundError('Template');
  throw new ForbiddenRoleError(`You may not ${action} this template`);
}

export async function listTemplates(deps: Deps, context: RequestContext): Promise<RecognitionTemplate[]> {
  await ensureBuiltinTemplates(deps);
  const templates = await deps.templates.listTemplates();
  return templates
    .filter((template) => can(context.principal, template, 'view'))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Active templates the caller may use, for classifying a scan. */
export async function usableTemplates(deps: Deps, context: RequestContext): Promise<RecognitionTemplate[]> {
  await ensureBuiltinTemplates(deps);
  return (await deps.templates.listTemplates()).filter(
    (template) => template.active && can(context.principal, template, 'use'),
  );
}

export function getTemplate(deps: Deps, context: RequestContext, id: string): Promise<RecognitionTemplate> {
  return authorise(deps, context, id, 'view');
}

export async function listTemplateVersions(
  deps: Deps,
  context: RequestContext,
  id: string,
): Promise<RecognitionTemplate[]> {
  await authorise(deps, context, id, 'view');
  return deps.templates.listTemplateVersions(id);
}

/** What a client may set; id, version and authorship are the system's. */
export type TemplateDraft = Omit<RecognitionTemplate, 'version' | 'createdAt' | 'createdBy'>;

function validated(template: RecognitionTemplate): RecognitionTemplate {
  const result = recognitionTemplateSchema.safeParse(template);
  if (!result.success) {
    throw new InvalidInputError(
      `Template is not valid: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return result.data;
}

/** Administrators create templates; the new template starts at version 1. */
export async function createTemplate(
  deps: Deps,
  context: RequestContext,
  draft: TemplateDraft,
): Promise<RecognitionTemplate> {
  if (context.principal.role !== 'admin') throw new ForbiddenRoleError('Only administrators create templates');
  await ensureBuiltinTemplates(deps);
  const template = validated({
    ...draft,
    version: 1,
    createdAt: deps.clock.now().toISOString(),
    createdBy: context.principal.sub,
  });
  if (await deps.templates.getTemplate(template.id))
    throw new ConflictError('conflict', `A template with id ${template.id} already exists`);
  await deps.templates.saveTemplate(template, undefined, [
    auditEntry(deps, context, {
      ownerId: templateAuditOwner,
      action: 'template.create',
      resourceType: 'template',
      resourceId: template.id,
      detail: { key: template.key },
    }),
  ]);
  return template;
}

async function saveNewVersion(
  deps: Deps,
  context: RequestContext,
  id: string,
  action: 'edit' | 'grant',
  change: (current: RecognitionTemplate) => Partial<RecognitionTemplate>,
  auditAction: string,
): Promise<RecognitionTemplate> {
  return retryOnConcurrentUpdate(async () => {
    const current = await authorise(deps, context, id, action);
    const next = validated({
      ...current,
      ...change(current),
      id: current.id,
      version: current.version + 1,
      createdAt: deps.clock.now().toISOString(),
      createdBy: context.principal.sub,
    });
    await deps.templates.saveTemplate(next, current, [
      auditEntry(deps, context, {
        ownerId: templateAuditOwner,
        action: auditAction,
        resourceType: 'template',
        resourceId: id,
        detail: { version: next.version },
      }),
    ]);
    return next;
  });
}

/** Edits what a template recognises; every edit is a new version (old versions stay readable). */
export function updateTemplate(
  deps: Deps,
  context: RequestContext,
  id: string,
  changes: Partial<Pick<RecognitionTemplate, 'name' | 'key' | 'identification' | 'fields' | 'stopLabels'>>,
): Promise<RecognitionTemplate> {
  return saveNewVersion(deps, context, id, 'edit', () => changes, 'template.update');
}

export function setTemplateActive(
  deps: Deps,
  context: RequestContext,
  id: string,
  active: boolean,
): Promise<RecognitionTemplate> {
  return saveNewVersion(
    deps,
    context,
    id,
    'edit',
    () => ({ active }),
    active ? 'template.activate' : 'template.deactivate',
  );
}

export function setTemplatePermissions(
  deps: Deps,
  context: RequestContext,
  id: string,
  permissions: TemplatePermissions,
): Promise<RecognitionTemplate> {
  return saveNewVersion(deps, context, id, 'grant', () => ({ permissions }), 'template.grant');
}

/** The audit of one template (changes and refused attempts), for whoever may view it. */
export async function templateHistory(
  deps: Deps,
  context: RequestContext,
  id: string,
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  await authorise(deps, context, id, 'view');
  return deps.repository.listHistory(templateAuditOwner, id, page);
}

export interface TemplateTestResult {
  templateId: string;
  version: number;
  /** How well the sample matches the template's identification anchors (0..1). */
  score: number;
  fields: Record<string, string | number>;
  details: { name: string; value: string | number | null; raw: string | null; confidence: number }[];
  confidence: number;
  text: string;
}

/** Pages of a sample read for a test: enough for every built-in type, bounded in time. */
const samplePagesRead = 3;

/**
 * Runs a template on a sample scan, without storing anything: the fields it extracts and
 * how confident it is. Needs the right to use the template; the test is audited.
 */
export async function testTemplate(
  deps: Deps & { ocr: OcrEngine; policy: VaultDeps['policy'] },
  context: RequestContext,
  id: string,
  sample: { bytes: Uint8Array; contentType: string },
): Promise<TemplateTestResult> {
  const template = await authorise(deps, context, id, 'use');
  const inspection = await inspectScan(sample.bytes, sample.contentType, {
    maxPixels: deps.policy.maxImagePixels,
    maxPages: deps.policy.maxPdfPages,
  });
  if (!inspection.ok) throw new InvalidInputError(`The sample cannot be used: ${inspection.detail}`);
  const pages: OcrPage[] = [];
  for (let pageNumber = 1; pageNumber <= Math.min(inspection.pageCount, samplePagesRead); pageNumber += 1) {
    pages.push(await deps.ocr.recognizePage({ bytes: sample.bytes, contentType: inspection.contentType, pageNumber }));
  }
  const extraction = extractFields(template, pages, { today: deps.clock.now() });
  const score = classifyDocument(pages, [{ ...template, active: true }], context.principal).candidates[0]?.score ?? 0;
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: templateAuditOwner,
      action: 'template.test',
      resourceType: 'template',
      resourceId: id,
      detail: { version: template.version, confidence: extraction.confidence },
    }),
  );
  return {
    templateId: template.id,
    version: template.version,
    score,
    fields: extraction.fields,
    details: extraction.details.map(({ name, value, raw, confidence }) => ({ name, value, raw, confidence })),
    confidence: extraction.confidence,
    text: pages.map((page) => page.text).join('\f'),
  };
}
