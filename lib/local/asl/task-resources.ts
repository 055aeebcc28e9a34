import type { TaskResource } from './definition-model.ts';
import { invalidDefinition } from './errors.ts';
import { isJsonObject } from './json.ts';

/**
 * The Task resources the embedded runtime can run: the Lambda service integration (request/response
 * and .waitForTaskToken) and a bare Lambda function ARN or name. Anything else (other services,
 * .sync, activities) is rejected when the definition is loaded.
 */
const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const LAMBDA_FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;

export function resolveTaskResource(resource: unknown, where: string): TaskResource {
  if (typeof resource !== 'string') throw invalidDefinition(`${where} field "Resource": must be a string`);
  const integration = LAMBDA_INVOKE.exec(resource);
  if (integration) return { kind: 'lambda:invoke', resource, waitForTaskToken: integration[1] !== undefined };
  if (LAMBDA_FUNCTION_ARN.test(resource) || LAMBDA_FUNCTION_NAME.test(resource))
    return { kind: 'lambda-function', resource };
  throw invalidDefinition(
    `${where} field "Resource": "${resource}" is not supported; the local interpreter runs ` +
      '"arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken" and Lambda function ARNs or names',
  );
}

const LAMBDA_INVOKE_PARAMETERS = new Set([
  'FunctionName',
  'Payload',
  'Qualifier',
  'ClientContext',
  'InvocationType',
  'LogType',
]);

/** Static checks of the lambda:invoke Parameters, so mistakes surface at load time as on AWS. */
export function checkLambdaInvokeParameters(resource: TaskResource, parameters: unknown, where: string): void {
  if (resource.kind !== 'lambda:invoke') return;
  if (!isJsonObject(parameters))
    throw invalidDefinition(`${where} field "Parameters": ${resource.resource} needs Parameters with a FunctionName`);
  const names = Object.keys(parameters).map((key) => key.replace(/\.\$$/, ''));
  const unknown = names.find((name) => !LAMBDA_INVOKE_PARAMETERS.has(name));
  if (unknown !== undefined)
    throw invalidDefinition(`${where} field "Parameters.${unknown}": not a lambda:invoke parameter`);
  if (!names.includes('FunctionName'))
    throw invalidDefinition(`${where} field "Parameters": FunctionName is required for ${resource.resource}`);
  const invocationType = parameters.InvocationType;
  if (invocationType !== undefined && invocationType !== 'RequestResponse') {
    throw invalidDefinition(`${where} field "Parameters.InvocationType": only "RequestResponse" is supported`);
  }
  if (resource.waitForTaskToken && !JSON.stringify(parameters).includes('$$.Task.Token')) {
    throw invalidDefinition(
      `${where} field "Parameters": a .waitForTaskToken task must pass "$$.Task.Token" to the function`,
    );
  }
}
