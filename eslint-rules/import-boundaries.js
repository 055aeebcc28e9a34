// The import boundaries of khoso's layout (docs/architecture.md, "Layers"), checked on import
// specifiers alone: relative ones are resolved against the importing file, packages by name.
import path from 'node:path';

export const features = new Set([
  'vault',
  'digitize',
  'templates',
  'signing',
  'sharing',
  'audit',
  'auth',
  'integration',
  'sync',
  'identity',
]);

/** OpenID Connect protocol libraries: they do HTTP, so core reaches them through a port (auth's RelyingParty). */
const protocolLibraries = new Set(['openid-client', 'oidc-provider']);

/** The project-relative location of a file: its segments, and what they say about layers. */
function locate(relativePath) {
  const parts = relativePath.split(/[\\/]/);
  const inFunctions = parts[0] === 'functions';
  const area = inFunctions ? parts[1] : undefined;
  return {
    parts,
    inFunctions,
    area,
    feature: area !== undefined && features.has(area) ? area : undefined,
    inLib: parts[0] === 'lib',
    inCore: parts.slice(0, -1).includes('core'),
    inWiring: parts.slice(0, -1).some((part) => part === 'adapters' || part === 'handlers'),
  };
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: {
      description: 'Keeps functions/ free of lib/, features apart, pdf-pki and platform self-contained, core pure',
    },
    schema: [],
    messages: {
      functionsImportLib:
        'functions/ must not import lib/ ("{{source}}"): the runtime code cannot depend on CDK or the local runtime.',
      foreignWiring:
        'functions/{{from}} must not import {{to}}\'s {{layer}} ("{{source}}"): ' +
        'another feature is reached through its core; ' +
        'only functions/composition/ and lib/ wire adapters across features.',
      pdfPkiOutside:
        'functions/pdf-pki/ must import nothing else under functions/ ("{{source}}"): ' +
        'the toolkit knows nothing of the vault.',
      platformFeature:
        'functions/platform/ must not import a feature ("{{source}}"): ' +
        'features build on the platform, not the reverse (only platform/storage/ reads feature cores).',
      coreAwsSdk:
        'core code must not import the AWS SDK ("{{source}}"): it talks to AWS through ports that adapters implement.',
      coreProtocolLibrary:
        'core code must not import an OpenID Connect library ("{{source}}"): ' +
        'it does HTTP, so core reaches it through a port that an adapter implements.',
      coreWiring:
        'core code must not import adapters or handlers ("{{source}}"): they depend on the core, not the reverse.',
    },
  },
  create(context) {
    const root = context.cwd;
    const fromFile = path.relative(root, context.physicalFilename);
    if (fromFile.startsWith('..')) return {};
    const from = locate(fromFile);

    function check(node, source) {
      if (typeof source !== 'string') return;
      const report = (messageId, data = {}) => context.report({ node, messageId, data: { source, ...data } });
      if (!source.startsWith('.')) {
        if (from.inCore && (source === '@aws-sdk' || source.startsWith('@aws-sdk/'))) report('coreAwsSdk');
        if (from.inCore && protocolLibraries.has(source)) report('coreProtocolLibrary');
        return;
      }
      const to = locate(path.relative(root, path.resolve(path.dirname(context.physicalFilename), source)));
      if (from.inFunctions && to.inLib) report('functionsImportLib');
      if (from.inCore && to.inWiring) report('coreWiring');
      if (!from.inFunctions || !to.inFunctions) return;
      if (from.area === 'pdf-pki' && to.area !== 'pdf-pki') report('pdfPkiOutside');
      // The one storage layer maps every feature's records to items and commits them together, so it
      // reads the features' record types and pure rules (never their adapters or handlers).
      const storageReadsCore = from.parts[2] === 'storage' && to.parts[2] === 'core';
      if (from.area === 'platform' && to.feature !== undefined && !storageReadsCore) report('platformFeature');
      const layer = to.parts[2];
      if (
        to.feature !== undefined &&
        to.feature !== from.area &&
        from.area !== 'composition' &&
        (layer === 'adapters' || layer === 'handlers')
      ) {
        report('foreignWiring', { from: from.area, to: to.feature, layer });
      }
    }

    const fromSource = (node) => check(node, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
      TSImportType: (node) => check(node, node.source?.value ?? node.argument?.literal?.value),
    };
  },
};
