import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addKhosoStacks, type KhosoStacks } from '../../../lib/khoso-app.ts';

/** The feature flags and defaults of cdk.json, which the CLI would pass as context. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface SynthesisedKhoso extends KhosoStacks {
  app: App;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/**
 * The app as `cdk synth` builds it, without bundling (esbuild is not what these tests are
 * about, and skipping it keeps them fast).
 */
export function synthKhoso(context: Record<string, unknown> = {}): SynthesisedKhoso {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  const stacks = addKhosoStacks(app);
  return {
    ...stacks,
    app,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

export type TemplateStatement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
export type TemplateResource = { Type: string; Properties: Record<string, any> };

/** Look-ups over a template: resources by type, role-policy statements, functions by name. */
export function templateQueries(template: Template) {
  const resources = (type: string) => Object.entries(template.findResources(type) as Record<string, TemplateResource>);
  /** The statements of the role policies whose logical ids start with `prefix`. */
  const statementsOf = (prefix: string) =>
    resources('AWS::IAM::Policy')
      .filter(([id]) => id.startsWith(prefix))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
  const actions = (statements: TemplateStatement[]) => statements.flatMap((statement) => [statement.Action].flat());
  const functionNamed = (name: string) =>
    resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.FunctionName === name)?.[1];
  const variablesOf = (name: string) =>
    (functionNamed(name)?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return { resources, statementsOf, actions, functionNamed, variablesOf };
}

/** The national warehouse's gateway as the dev stage configures it (push and pulls). */
export const nationalWarehouseGateway = {
  baseUrl: 'https://lgsp.example.gov.vn/ngsp',
  paths: {
    findDossier: '/dossiers/find',
    createDossier: '/dossiers/create',
    updateDossier: '/dossiers/update',
    pullResults: '/GetKetQuaGiayTo',
    getFile: '/GetGiayToByUrl',
  },
  authentication: { kind: 'client-credentials', clientId: 'khoso-dev' },
};

/** The app of a stage with the national warehouse on, and look-ups over its stateless template. */
export function synthNationalWarehouseStage() {
  const khoso = synthKhoso({
    nationalWarehouseGateway: JSON.stringify(nationalWarehouseGateway),
    nationalWarehouseCredentialsSecret: 'khoso/dev/national-warehouse',
  });
  return { khoso, ...templateQueries(khoso.statelessTemplate) };
}
