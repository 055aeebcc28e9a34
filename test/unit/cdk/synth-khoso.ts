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
