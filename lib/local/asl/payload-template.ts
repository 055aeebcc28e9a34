import { invalidDefinition, runtimeError } from './errors.ts';
import { isJsonObject, jsonText, type JsonObject, type JsonValue } from './json.ts';
import { NOT_FOUND, parseJsonPath, readPath, type JsonPath } from './json-path.ts';

/**
 * Payload templates (Parameters, ResultSelector, ItemSelector): a field named "x.$" takes the
 * value of a path and is renamed "x"; everything else is copied as is, including inside nested
 * objects and arrays. Compiled once, evaluated per state entry. Intrinsic functions
 * (`States.Format(…)` and the like) are refused when the definition is loaded: our workflow
 * uses none.
 */
export type TemplateNode =
  | { kind: 'literal'; value: JsonValue }
  | { kind: 'object'; fields: readonly { key: string; node: TemplateNode }[] }
  | { kind: 'array'; items: readonly TemplateNode[] }
  | { kind: 'path'; field: string; path: JsonPath };

/** What a template's paths read: the value `$` refers to and the context object (`$$`). */
export interface TemplateEnv {
  readonly input: JsonValue;
  readonly context: JsonObject;
}

export function compileTemplate(value: unknown, where: string): TemplateNode {
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileTemplate(item, `${where}[${index}]`));
    return items.every((item) => item.kind === 'literal')
      ? { kind: 'literal', value: value as JsonValue }
      : { kind: 'array', items };
  }
  if (!isJsonObject(value)) return { kind: 'literal', value: value as JsonValue };
  let dynamic = false;
  const fields = Object.entries(value).map(([key, fieldValue]) => {
    if (!key.endsWith('.$')) return { key, node: compileTemplate(fieldValue, `${where}.${key}`) };
    dynamic = true;
    const path = compileExpression(key, fieldValue, where);
    return { key: key.slice(0, -2), node: { kind: 'path' as const, field: key, path } };
  });
  // A subtree with nothing to evaluate is kept as one literal, so evaluation just returns it.
  return dynamic || fields.some(({ node }) => node.kind !== 'literal')
    ? { kind: 'object', fields }
    : { kind: 'literal', value: value as JsonValue };
}

/** The text a "x.$" field (or ErrorPath, CausePath) holds: a path against the input, or $$ for the context. */
export function compileExpression(field: string, text: unknown, where: string): JsonPath {
  if (typeof text !== 'string') {
    throw invalidDefinition(`${where}: the value of "${field}" must be a string holding a JSONPath`);
  }
  if (text.startsWith('States.')) {
    const refusal = `intrinsic functions such as "${text}" are not supported by the local interpreter`;
    throw invalidDefinition(`${where}: field "${field}": ${refusal}`);
  }
  try {
    if (text.startsWith('$')) return parseJsonPath(text);
  } catch (error) {
    throw invalidDefinition(`${where}: field "${field}": ${(error as Error).message}`);
  }
  throw invalidDefinition(`${where}: the value of "${field}" must be a JSONPath, got "${text}"`);
}

export function evaluateTemplate(node: TemplateNode, env: TemplateEnv): JsonValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'array':
      return node.items.map((item) => evaluateTemplate(item, env));
    case 'object': {
      const out: JsonObject = {};
      for (const { key, node: child } of node.fields) out[key] = evaluateTemplate(child, env);
      return out;
    }
    case 'path': {
      const value = readPath(node.path, env.input, env.context);
      if (value === NOT_FOUND) {
        const source = node.path.root === 'context' ? 'the context object' : `the input '${jsonText(env.input)}'`;
        throw runtimeError(
          `The JSONPath '${node.path.text}' specified for the field '${node.field}' could not be found in ${source}`,
        );
      }
      return value;
    }
  }
}
