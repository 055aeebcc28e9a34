import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { awsOcrEngine } from '../../composition/aws-ocr-engine.ts';
import type { RecognitionTemplate } from '../core/template-model.ts';
import {
  createTemplate,
  getTemplate,
  listTemplates,
  listTemplateVersions,
  setTemplateActive,
  setTemplatePermissions,
  templateHistory,
  testTemplate,
  updateTemplate,
} from '../core/manage-templates.ts';
import type { OcrEngine } from '../../digitize/core/ocr-engine.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { templateRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { historyPage } from '../../audit/contract/schemas.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function createTemplatesHandler(deps: VaultDeps, ocr: () => OcrEngine) {
  const one = (template: RecognitionTemplate) => ({ body: present(s.template, template) });
  return createHttpHandler(templateRoutes, {
    listTemplates: async ({ context }) => ({
      body: present(s.templateList, { items: await listTemplates(deps, context) }),
    }),
    createTemplate: async ({ context, body }) => one(await createTemplate(deps, context, body)),
    getTemplate: async ({ context, params: { id } }) => one(await getTemplate(deps, context, id)),
    updateTemplate: async ({ context, params: { id }, body }) => one(await updateTemplate(deps, context, id, body)),
    activateTemplate: async ({ context, params: { id } }) => one(await setTemplateActive(deps, context, id, true)),
    deactivateTemplate: async ({ context, params: { id } }) => one(await setTemplateActive(deps, context, id, false)),
    listTemplateVersions: async ({ context, params: { id } }) => ({
      body: present(s.templateList, { items: await listTemplateVersions(deps, context, id) }),
    }),
    setTemplatePermissions: async ({ context, params: { id }, body }) =>
      one(await setTemplatePermissions(deps, context, id, body)),
    testTemplate: async ({ context, params: { id }, body: { contentType, sample } }) => {
      const bytes = new Uint8Array(Buffer.from(sample, 'base64'));
      const result = await testTemplate({ ...deps, ocr: ocr() }, context, id, { bytes, contentType });
      return { body: present(s.templateTestResult, result) };
    },
    getTemplateHistory: async ({ context, params: { id }, query }) => ({
      body: present(historyPage, await templateHistory(deps, context, id, query)),
    }),
  });
}

// Testing a template on a sample needs OCR: this function carries the deployment's engine.
export const handler = lazyHandler(() => createTemplatesHandler(awsVaultDeps(), awsOcrEngine));
