import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { awsOcrEngine } from '../../composition/aws-ocr-engine.ts';
import type { RecognitionTemplate, TemplatePermissions } from '../core/template-model.ts';
import {
  createTemplate, getTemplate, listTemplates, listTemplateVersions, setTemplateActive, setTemplatePermissions,
  templateHistory, testTemplate, updateTemplate, type TemplateDraft,
} from '../core/manage-templates.ts';
import type { OcrEngine } from '../../digitize/core/ocr-engine.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { templateRoutes } from './routes.ts';
import * as s from './schemas.ts';
import { historyPage } from '../../audit/handlers/schemas.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

type Id = { id: string };
type TemplateChanges = Parameters<typeof updateTemplate>[3];

export function createTemplatesHandler(deps: VaultDeps, ocr: () => OcrEngine) {
  const one = (template: RecognitionTemplate) => ({ body: present(s.template, template) });
  return createHttpHandler(templateRoutes, {
    listTemplates: async ({ context }) => ({ body: present(s.templateList, { items: await listTemplates(deps, context) }) }),
    createTemplate: async ({ context, body }) => one(await createTemplate(deps, context, body as TemplateDraft)),
    getTemplate: async ({ context, params }) => one(await getTemplate(deps, context, (params as Id).id)),
    updateTemplate: async ({ context, params, body }) => one(await updateTemplate(deps, context, (params as Id).id, body as TemplateChanges)),
    activateTemplate: async ({ context, params }) => one(await setTemplateActive(deps, context, (params as Id).id, true)),
    deactivateTemplate: async ({ context, params }) => one(await setTemplateActive(deps, context, (params as Id).id, false)),
    listTemplateVersions: async ({ context, params }) =>
      ({ body: present(s.templateList, { items: await listTemplateVersions(deps, context, (params as Id).id) }) }),
    setTemplatePermissions: async ({ context, params, body }) =>
      one(await setTemplatePermissions(deps, context, (params as Id).id, body as TemplatePermissions)),
    testTemplate: async ({ context, params, body }) => {
      const { contentType, sample } = body as { contentType: string; sample: string };
      const result = await testTemplate({ ...deps, ocr: ocr() }, context, (params as Id).id, { bytes: new Uint8Array(Buffer.from(sample, 'base64')), contentType });
      return { body: present(s.templateTestResult, result) };
    },
    getTemplateHistory: async ({ context, params, query }) =>
      ({ body: present(historyPage, await templateHistory(deps, context, (params as Id).id, query as { limit: number; cursor?: string })) }),
  });
}

// Testing a template on a sample needs OCR: this function carries the deployment's engine.
export const handler = lazyHandler(() => createTemplatesHandler(awsVaultDeps(), awsOcrEngine));
