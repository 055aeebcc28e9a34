import { runtimeError } from './errors.ts';
import { jsonText, type JsonObject, type JsonValue } from './json.ts';
import { NOT_FOUND, readPath, writePath, type JsonPath } from './json-path.ts';

/**
 * The path steps of ASL input/output processing. The full order is
 *   InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath
 * and the template steps live in payload-template.ts. A null path means "{}" for InputPath and
 * OutputPath, and "discard the result, keep the input" for ResultPath.
 */

export function applyInputPath(path: JsonPath | null, input: JsonValue, context: JsonObject): JsonValue {
  return path === null ? {} : select(path, input, context, 'InputPath');
}

export function applyOutputPath(path: JsonPath | null, output: JsonValue, context: JsonObject): JsonValue {
  return path === null ? {} : select(path, output, context, 'OutputPath');
}

/** Places the result into the state's raw input (not the InputPath-filtered one), per the spec. */
export function applyResultPath(path: JsonPath | null, rawInput: JsonValue, result: JsonValue): JsonValue {
  if (path === null) return rawInput;
  try {
    return writePath(rawInput, path, result);
  } catch (error) {
    throw runtimeError(
      `Unable to apply ResultPath '${path.text}' to input '${jsonText(rawInput)}': ${(error as Error).message}`,
    );
  }
}

function select(path: JsonPath, value: JsonValue, context: JsonObject, field: string): JsonValue {
  const selected = readPath(path, value, context);
  if (selected === NOT_FOUND)
    throw runtimeError(`Invalid path '${path.text}' for ${field}: no results in '${jsonText(value)}'`);
  return selected;
}

/** Reads a path that must exist (ItemsPath, SecondsPath, Choice variables…), else States.Runtime. */
export function readRequired(path: JsonPath, input: JsonValue, context: JsonObject, field: string): JsonValue {
  return select(path, input, context, field);
}
