import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { historyPage } from '../../audit/contract/schemas.ts';
import { idParams, pageQuery } from '../../platform/http/contract/schemas.ts';
import {
  createTemplateBody,
  template,
  templateList,
  templatePermissionsBody,
  templateTestBody,
  templateTestResult,
  updateTemplateBody,
} from './schemas.ts';

/** The recognition-template routes (the templates Lambda). */
export const templateRoutes = [
  defineRoute({
    operationId: 'listTemplates',
    method: 'GET',
    path: '/v1/ocr-templates',
    group: 'templates',
    summary: 'Recognition templates you may view (the six built-in types are seeded on first use)',
    status: 200,
    response: templateList,
  }),
  defineRoute({
    operationId: 'createTemplate',
    method: 'POST',
    path: '/v1/ocr-templates',
    group: 'templates',
    summary: 'Create a template (administrators)',
    description:
      'Refused with 400 (invalid-request), rules across values a schema cannot state: a zone needs x0 < x1 and ' +
      'y0 < y1; field names are unique; a pattern is a regular expression that cannot backtrack too much; a label ' +
      'or anchor phrase keeps a letter or digit once diacritics and punctuation are folded away.',
    body: createTemplateBody,
    status: 201,
    response: template,
  }),
  defineRoute({
    operationId: 'getTemplate',
    method: 'GET',
    path: '/v1/ocr-templates/{id}',
    group: 'templates',
    summary: 'Current version of a template',
    params: idParams,
    status: 200,
    response: template,
  }),
  defineRoute({
    operationId: 'updateTemplate',
    method: 'PATCH',
    path: '/v1/ocr-templates/{id}',
    group: 'templates',
    summary: 'Edit a template (a new version)',
    description:
      'Refused with 400 (invalid-request), rules across values a schema cannot state: a zone needs x0 < x1 and ' +
      'y0 < y1; field names are unique; a pattern is a regular expression that cannot backtrack too much; a label ' +
      'or anchor phrase keeps a letter or digit once diacritics and punctuation are folded away.',
    params: idParams,
    body: updateTemplateBody,
    status: 200,
    response: template,
  }),
  defineRoute({
    operationId: 'activateTemplate',
    method: 'POST',
    path: '/v1/ocr-templates/{id}/activate',
    group: 'templates',
    summary: 'Use the template for classification again (a new version)',
    params: idParams,
    status: 200,
    response: template,
  }),
  defineRoute({
    operationId: 'deactivateTemplate',
    method: 'POST',
    path: '/v1/ocr-templates/{id}/deactivate',
    group: 'templates',
    summary: 'Stop using the template (a new version)',
    params: idParams,
    status: 200,
    response: template,
  }),
  defineRoute({
    operationId: 'listTemplateVersions',
    method: 'GET',
    path: '/v1/ocr-templates/{id}/versions',
    group: 'templates',
    summary: 'Every version of a template, oldest first',
    params: idParams,
    status: 200,
    response: templateList,
  }),
  defineRoute({
    operationId: 'setTemplatePermissions',
    method: 'PUT',
    path: '/v1/ocr-templates/{id}/permissions',
    group: 'templates',
    summary: 'Who may view, use, edit and grant (a new version)',
    params: idParams,
    body: templatePermissionsBody,
    status: 200,
    response: template,
  }),
  defineRoute({
    operationId: 'testTemplate',
    method: 'POST',
    path: '/v1/ocr-templates/{id}/test',
    group: 'templates',
    summary: 'Run the template on a sample scan (base64) and see the fields it extracts; nothing is stored',
    params: idParams,
    body: templateTestBody,
    status: 200,
    response: templateTestResult,
    maxBodyBytes: 6 * 1024 * 1024,
  }),
  defineRoute({
    operationId: 'getTemplateHistory',
    method: 'GET',
    path: '/v1/ocr-templates/{id}/history',
    group: 'templates',
    summary: 'Audit of the template: changes and refused attempts',
    params: idParams,
    query: pageQuery,
    status: 200,
    response: historyPage,
  }),
] as const;
