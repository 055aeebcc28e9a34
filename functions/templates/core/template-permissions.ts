import type { Principal } from '../../platform/core/principal.ts';
import type { PermissionRule, RecognitionTemplate, TemplateAction } from './template-model.ts';

/**
 * Whether `principal` may `action` the template (seed function 43, "Phân quyền mẫu nhận dạng
 * OCR"). A rule matches by role and, when it names one, by unit. Beyond the rules:
 * - administrators may always view, so no template can hide from the people who audit them;
 * - whoever may edit or grant may also view: neither makes sense blind;
 * - citizens and organisations never edit or grant, whatever a rule says (the schema refuses
 *   such rules; this holds for data stored before it did).
 * Granting does not imply editing, nor using: each is its own right. The API layer audits the
 * decision.
 */
export function can(
  principal: Principal,
  template: Pick<RecognitionTemplate, 'permissions'>,
  action: TemplateAction,
): boolean {
  const allowed = (granted: TemplateAction) => template.permissions[granted].some((rule) => matches(rule, principal));
  const mayChange = (granted: 'edit' | 'grant') =>
    principal.role !== 'citizen' && principal.role !== 'organization' && allowed(granted);
  switch (action) {
    case 'view':
      return principal.role === 'admin' || allowed('view') || mayChange('edit') || mayChange('grant');
    case 'use':
      return allowed('use');
    case 'edit':
    case 'grant':
      return mayChange(action);
  }
}

function matches(rule: PermissionRule, principal: Principal): boolean {
  if (rule.role !== undefined && rule.role !== principal.role) return false;
  return rule.unit === undefined || rule.unit === principal.unit?.toUpperCase();
}
