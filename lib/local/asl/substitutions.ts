import { invalidDefinition } from './errors.ts';

/**
 * Applies DefinitionSubstitutions the way CloudFormation does for a state machine: each
 * `${Name}` in the definition text is replaced verbatim. A placeholder without a value would
 * reach AWS as a literal and fail there, so it fails here, at load time.
 */
export function substituteDefinition(definition: string, substitutions: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const text = definition.replace(/\$\{([^}]*)\}/g, (placeholder, name: string) => {
    if (Object.hasOwn(substitutions, name)) return substitutions[name] as string;
    missing.add(name);
    return placeholder;
  });
  if (missing.size > 0) {
    throw invalidDefinition(
      `unresolved definition substitution(s): ${[...missing].map((name) => `\${${name}}`).join(', ')}`,
    );
  }
  return text;
}
