import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import {
  compilePattern,
  findPatternProblem,
  matchPattern,
  maxSubjectLength,
} from '../../../functions/templates/core/safe-pattern.ts';
import { builtinTypeKeys, recognitionTemplateSchema } from '../../../functions/templates/core/template-model.ts';

const seededAt = '2026-01-01T00:00:00.000Z';
const [residence] = builtinTemplates(seededAt);
assert.ok(residence, 'the residence template');

/** The residence template with one thing changed, as an API client could send it. */
function withChange(change: (template: Record<string, unknown>) => void): unknown {
  const template = structuredClone(residence) as unknown as Record<string, unknown>;
  change(template);
  return template;
}

function fieldOf(template: Record<string, unknown>, index: number): Record<string, unknown> {
  const field = (template['fields'] as Array<Record<string, unknown>>)[index];
  assert.ok(field, `field ${index}`);
  return field;
}

function rulesOf(template: Record<string, unknown>, action: string): unknown[] {
  const rules = (template['permissions'] as Record<string, unknown[]>)[action];
  assert.ok(rules, `rules for ${action}`);
  return rules;
}

function problems(input: unknown): string[] {
  const result = recognitionTemplateSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('built-in templates', () => {
  test('are valid templates, one per type of DESIGN.md, with its field names', () => {
    const templates = builtinTemplates(seededAt);
    for (const template of templates) assert.deepEqual(recognitionTemplateSchema.parse(template), template);
    assert.deepEqual(
      templates.map((template) => template.key),
      [...builtinTypeKeys],
    );
    const fieldNames = Object.fromEntries(
      templates.map((template) => [template.key, template.fields.map((field) => field.name)]),
    );
    assert.deepEqual(fieldNames, {
      'xac-nhan-cu-tru': [
        'number',
        'issueDate',
        'fullName',
        'dateOfBirth',
        'personalId',
        'legacyId',
        'permanentAddress',
      ],
      'giay-phep-lai-xe': ['number', 'fullName', 'dateOfBirth', 'licenseClass', 'expiryDate'],
      'dang-ky-xe': ['number', 'ownerName', 'plateNumber', 'brand', 'engineNumber', 'chassisNumber'],
      'quyet-dinh-xu-phat': ['number', 'issueDate', 'violatorName', 'fineAmount', 'legacyId'],
      'chung-nhan-antt': ['number', 'businessName', 'enterpriseCode', 'address', 'legacyId'],
      'cong-van': ['number', 'issueDate', 'issuer', 'summary'],
    });
  });

  test('are seeded as version 1 by the system, active, with the default permissions', () => {
    for (const template of builtinTemplates(seededAt)) {
      assert.equal(template.version, 1);
      assert.equal(template.active, true);
      assert.equal(template.createdAt, seededAt);
      assert.equal(template.createdBy, 'system');
      assert.deepEqual(template.permissions, {
        view: [{ role: 'officer' }, { role: 'admin' }],
        use: [{ role: 'officer' }, { role: 'admin' }, { role: 'citizen' }, { role: 'organization' }],
        edit: [{ role: 'admin' }],
        grant: [{ role: 'admin' }],
      });
    }
  });

  test('templates are copies: editing one leaves the others and the next seeding intact', () => {
    const first = builtinTemplates(seededAt);
    const defaultUse = [{ role: 'officer' }, { role: 'admin' }, { role: 'citizen' }, { role: 'organization' }];
    first[0]?.permissions.use.push({ unit: 'PC99' });
    first[0]?.fields[0]?.labels?.push('Changed');
    assert.deepEqual(first[3]?.permissions.use, defaultUse);
    assert.deepEqual(first[3]?.fields[0]?.labels, ['Số:'], 'the number field of another template');
    const second = builtinTemplates(seededAt);
    assert.deepEqual(second[0]?.permissions.use, defaultUse);
    assert.deepEqual(second[0]?.fields[0]?.labels, ['Số:']);
  });
});

describe('recognitionTemplateSchema', () => {
  test('refuses an unknown normaliser', () => {
    const input = withChange((template) => {
      fieldOf(template, 0)['normaliser'] = 'eval';
    });
    assert.match(problems(input).join('\n'), /^fields\.0\.normaliser: /m);
  });

  test('refuses catastrophic patterns', () => {
    for (const pattern of ['(a+)+$', '(\\w+\\s?)*$', '(a|aa)*b', '.*.*.*x', '(\\d)\\1', '(?=a)a', '[']) {
      const input = withChange((template) => {
        fieldOf(template, 1)['pattern'] = pattern;
      });
      assert.match(problems(input).join('\n'), /^fields\.1\.pattern: /m, pattern);
    }
  });

  test('refuses oversize templates', () => {
    const longPattern = withChange((template) => {
      fieldOf(template, 1)['pattern'] = 'a'.repeat(201);
    });
    assert.match(problems(longPattern).join('\n'), /fields\.1\.pattern: a pattern may have at most 200 characters/);

    const manyFields = withChange((template) => {
      template['fields'] = Array.from({ length: 31 }, (_, i) => ({
        name: `f${i}`,
        labels: [`Nhãn ${i}`],
        normaliser: 'text',
        required: false,
      }));
    });
    assert.match(problems(manyFields).join('\n'), /^fields: /m);

    const longName = withChange((template) => {
      template['name'] = 'Giấy '.repeat(30);
    });
    assert.match(problems(longName).join('\n'), /^name: /m);

    const longLabel = withChange((template) => {
      fieldOf(template, 2)['labels'] = ['x'.repeat(81)];
    });
    assert.match(problems(longLabel).join('\n'), /^fields\.2\.labels\.0: /m);

    const manyAnchors = withChange((template) => {
      template['identification'] = {
        anchors: Array.from({ length: 13 }, (_, i) => ({ phrase: `cụm ${i}`, weight: 1 })),
        minScore: 0.5,
      };
    });
    assert.match(problems(manyAnchors).join('\n'), /^identification\.anchors: /m);
  });

  test('refuses unknown properties, duplicate fields and fields with nothing to find them by', () => {
    assert.match(
      problems(
        withChange((template) => {
          template['script'] = 'x';
        }),
      ).join('\n'),
      /script/,
    );
    const duplicate = withChange((template) => {
      const fields = template['fields'] as unknown[];
      fields.push(structuredClone(fields[0]));
    });
    assert.match(problems(duplicate).join('\n'), /^fields: field names must be unique/m);
    const bare = withChange((template) => {
      (template['fields'] as unknown[])[0] = { name: 'number', normaliser: 'code', required: true };
    });
    assert.match(problems(bare).join('\n'), /^fields\.0: a field needs labels, a pattern, a zone or a layout place/m);
    const badName = withChange((template) => {
      fieldOf(template, 0)['name'] = 'so-hieu';
    });
    assert.match(problems(badName).join('\n'), /^fields\.0\.name: /m);
  });

  test('refuses a zone outside the page or turned inside out', () => {
    for (const zone of [
      { x0: 0.5, y0: 0, x1: 0.2, y1: 1 },
      { x0: 0, y0: 0, x1: 1.2, y1: 1 },
    ]) {
      const input = withChange((template) => {
        (template['fields'] as Array<Record<string, unknown>>)[0] = {
          name: 'number',
          zone,
          normaliser: 'code',
          required: true,
        };
      });
      assert.match(problems(input).join('\n'), /^fields\.0\.zone/m);
    }
  });

  test('refuses permissions that would let citizens change templates, or lock administrators out', () => {
    const citizenEdits = withChange((template) => {
      rulesOf(template, 'edit').push({ role: 'citizen' });
    });
    assert.match(
      problems(citizenEdits).join('\n'),
      /^permissions\.edit\.1\.role: only officers and administrators may edit/m,
    );
    const noAdminGrant = withChange((template) => {
      (template['permissions'] as Record<string, unknown>)['grant'] = [{ role: 'officer', unit: 'PC06' }];
    });
    assert.match(
      problems(noAdminGrant).join('\n'),
      /^permissions\.grant: an administrator must keep the right to grant/m,
    );
    const emptyRule = withChange((template) => {
      rulesOf(template, 'view').push({});
    });
    assert.match(problems(emptyRule).join('\n'), /^permissions\.view\.2: a rule names a role, a unit, or both/m);
    const lowerUnit = withChange((template) => {
      rulesOf(template, 'use').push({ unit: 'pc06' });
    });
    assert.match(problems(lowerUnit).join('\n'), /^permissions\.use\.4\.unit: /m);
  });
});

describe('findPatternProblem', () => {
  test('accepts the patterns templates need', () => {
    for (const pattern of [
      '\\d{12}',
      '(?<value>\\d{2}[a-z]{1,2}\\d?-\\d{3}\\.\\d{2})',
      'so:\\s{0,3}(\\S{1,40})',
      '(.*)ngay',
      'ma (?:ho so|hs) (\\d{4,10})',
      '(ab){2,}',
      '^[^,\\d]{2,40},\\s{0,3}(ngay\\s{0,3}\\S{1,4}\\s{0,3}thang\\s{0,3}\\S{1,4}\\s{0,3}nam\\s{0,3}\\S{1,6})',
    ]) {
      assert.equal(findPatternProblem(pattern), null, pattern);
    }
  });

  test('names the reason for a refusal', () => {
    assert.match(findPatternProblem('(a+)+') ?? '', /quantified group may not hold another quantifier/);
    assert.match(
      findPatternProblem('(a|b)*') ?? '',
      /quantified group may not hold another quantifier or an alternation/,
    );
    assert.match(findPatternProblem('(?<=so)\\d') ?? '', /lookahead and lookbehind/);
    assert.match(findPatternProblem('(?<n>a)\\k<n>') ?? '', /backreferences/);
    assert.match(findPatternProblem('\\s*:?\\s*(.+)x') ?? '', /backtrack too much/);
    assert.match(findPatternProblem('a{') ?? '', /not a valid regular expression/);
  });

  test('an accepted pattern runs quickly on the worst subject it can meet', () => {
    const pattern = compilePattern('(.*)ngay');
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) assert.equal(matchPattern(pattern, 'a'.repeat(10_000)), null);
    assert.ok(performance.now() - started < 500, 'bounded to the subject length it is given');
  });

  test('matches only the first 300 characters of a subject', () => {
    const pattern = compilePattern('(\\d{3})');
    assert.equal(matchPattern(pattern, `${'x'.repeat(maxSubjectLength)}123`), null);
    assert.deepEqual(matchPattern(pattern, `${'x'.repeat(maxSubjectLength - 3)}123`), { start: 297, end: 300 });
  });
});
