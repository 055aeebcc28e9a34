import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadStageConfig } from '../../../lib/config/stage-config.ts';

const fromContext = (context: Record<string, unknown>) => loadStageConfig((key) => context[key]);

describe('stage configuration', () => {
  test('dev has defaults and takes overrides from context strings', () => {
    const config = fromContext({
      jwtIssuer: 'http://127.0.0.1:4599/',
      jwksUrl: 'http://127.0.0.1:4599/jwks.json',
      maxUploadBytes: '1048576',
      allowedContentTypes: 'application/pdf, image/png',
      retainData: 'false',
    });
    assert.equal(config.stage, 'dev');
    assert.equal(config.auth.identityProviders[0]?.issuer, 'http://127.0.0.1:4599/');
    assert.equal(config.limits.maxUploadBytes, 1_048_576);
    assert.deepEqual(config.allowedContentTypes, ['application/pdf', 'image/png']);
    assert.equal(config.retainData, false);
    assert.equal(config.ocrEngine, 'tesseract');
    assert.equal(config.logLevel, 'INFO');
    assert.equal(fromContext({ logLevel: 'debug' }).logLevel, 'DEBUG');
  });

  test('prod refuses to synthesise without an issuer', () => {
    assert.throws(
      () => fromContext({ stage: 'prod' }),
      /Invalid khoso configuration for stage "prod": auth\.identityProviders/,
    );
  });

  test('an issuer over plain http is accepted only on the loopback', () => {
    assert.throws(
      () => fromContext({ jwtIssuer: 'http://sso.example.gov.vn/' }),
      /auth\.identityProviders\.0\.issuer: must be https/,
    );
  });

  test('bad values name the setting', () => {
    assert.throws(() => fromContext({ ocrEngine: 'magic' }), /ocrEngine/);
    assert.throws(() => fromContext({ logRetentionDays: '10' }), /logRetentionDays/);
    assert.throws(() => fromContext({ logLevel: 'verbose' }), /logLevel/);
    assert.throws(() => fromContext({ stage: 'Bad Stage' }), /stage: must be/);
  });

  test('a remote signing provider needs both its endpoint and the secret holding its key', () => {
    assert.deepEqual(fromContext({}).signing, { remoteProviders: {} });
    const config = fromContext({
      smartcaSigningEndpoint: 'https://smartca.example.vn/',
      smartcaSigningApiKeySecret: 'khoso/dev/smartca',
      signatureRequestTtlSeconds: '1200',
    });
    assert.deepEqual(config.signing, {
      requestTtlSeconds: 1200,
      remoteProviders: { smartca: { endpoint: 'https://smartca.example.vn/', apiKeySecret: 'khoso/dev/smartca' } },
    });
    assert.throws(
      () => fromContext({ simSigningEndpoint: 'https://sim.example.vn/' }),
      /signing\.remoteProviders\.sim\.apiKeySecret/,
    );
    assert.throws(
      () => fromContext({ simSigningEndpoint: 'http://sim.example.vn/', simSigningApiKeySecret: 'k' }),
      /signing\.remoteProviders\.sim\.endpoint: must be https/,
    );
    assert.throws(() => fromContext({ signatureRequestTtlSeconds: '100000' }), /signing\.requestTtlSeconds/);
  });

  test('identity providers come from context as JSON, validated, and replace the stage default', () => {
    const dvcqg = {
      id: 'dvcqg',
      issuer: 'https://sso.dichvucong.gov.vn',
      discoveryUrl: 'https://sso.dichvucong.gov.vn/.well-known/openid-configuration',
      jwksUrl: 'https://sso.dichvucong.gov.vn/jwks',
      clientId: 'khoso-dev',
      clientSecret: 'khoso/dev/dvcqg',
      audience: 'khoso',
      claimMapping: 'dvcqg',
      accountTypes: ['citizen', 'business'],
      tokenKinds: ['user'],
    };
    const providers = fromContext({ identityProviders: JSON.stringify([dvcqg]) }).auth.identityProviders;
    assert.deepEqual(providers, [{ ...dvcqg, maxTokenLifetimeSeconds: 3600 }]);
    const invalid = (change: Record<string, unknown>) => JSON.stringify([{ ...dvcqg, ...change }]);
    assert.throws(
      () => fromContext({ identityProviders: invalid({ discoveryUrl: undefined }) }),
      /identityProviders\.0\.discoveryUrl: needs a discoveryUrl or explicit endpoints/,
    );
    assert.throws(
      () => fromContext({ identityProviders: invalid({ accountTypes: [] }) }),
      /identityProviders\.0\.accountTypes/,
    );
    assert.throws(() => fromContext({ identityProviders: invalid({ claimMapping: 'saml' }) }), /claimMapping/);
    assert.throws(() => fromContext({ identityProviders: invalid({ jwksUrl: 'http://x.vn/jwks' }) }), /must be https/);
    assert.throws(
      () => fromContext({ identityProviders: JSON.stringify([dvcqg, { ...dvcqg, id: 'again' }]) }),
      /issuers must be unique/,
    );
  });

  test('browser login: a provider offering it needs the stage settings; lifetime and origins from context', () => {
    const dvcqg = {
      id: 'dvcqg',
      issuer: 'https://sso.dichvucong.gov.vn',
      endpoints: {
        authorization: 'https://sso.dichvucong.gov.vn/oauth2/authorize',
        token: 'https://sso.dichvucong.gov.vn/oauth2/token',
        userinfo: 'https://sso.dichvucong.gov.vn/oauth2/userinfo',
      },
      jwksUrl: 'https://sso.dichvucong.gov.vn/jwks',
      clientId: 'khoso-dev',
      clientSecret: 'khoso/dev/dvcqg',
      audience: 'khoso',
      claimMapping: 'dvcqg',
      accountTypes: ['citizen', 'business'],
      tokenKinds: ['user'],
      browserLogin: { authorizationParams: { acr_values: 'LoA1' }, claimsFrom: 'userinfo' },
    };
    assert.throws(
      () => fromContext({ identityProviders: JSON.stringify([dvcqg]) }),
      /auth\.browserLogin: a provider offers browser login: set browserLoginBaseUrl/,
    );
    const config = fromContext({
      identityProviders: JSON.stringify([dvcqg]),
      browserLoginBaseUrl: 'https://api.khoso.example',
      returnToOrigins: 'https://console.khoso.example, https://admin.khoso.example',
      sessionLifetimeSeconds: '3600',
    });
    assert.deepEqual(config.auth.browserLogin, {
      publicBaseUrl: 'https://api.khoso.example',
      allowedReturnToOrigins: ['https://console.khoso.example', 'https://admin.khoso.example'],
      sessionLifetimeSeconds: 3600,
    });
    assert.throws(
      () => fromContext({ identityProviders: JSON.stringify([dvcqg]), browserLoginBaseUrl: 'http://api.example.vn' }),
      /auth\.browserLogin\.publicBaseUrl: must be https/,
    );
    assert.throws(
      () =>
        fromContext({
          identityProviders: JSON.stringify([{ ...dvcqg, browserLogin: { authorizationParams: { state: 'fixed' } } }]),
          browserLoginBaseUrl: 'https://api.khoso.example',
        }),
      /browserLogin\.authorizationParams: may not set state/,
    );
  });
  test('dossier defaults: JSON from context over the standard ones, each field checked by name', () => {
    const configured = fromContext({
      dossierDefaults: '{"processingUnit":"000.00.15.H56","procedureName":"Cấp giấy phép (số hoá)"}',
    });
    assert.deepEqual(configured.dossierDefaults, {
      processingUnit: '000.00.15.H56',
      procedureName: 'Cấp giấy phép (số hoá)',
    });
    assert.equal(fromContext({}).dossierDefaults, undefined);
    assert.throws(
      () => fromContext({ dossierDefaults: { processingUnit: 'đơn vị 1' } }),
      /dossierDefaults\.processingUnit: letters, digits and \. _ \/ - only/,
    );
    assert.throws(() => fromContext({ dossierDefaults: { procedureName: '  ' } }), /dossierDefaults\.procedureName/);
    assert.throws(
      () => fromContext({ dossierDefaults: { procedureName: 'a\u0007b' } }),
      /dossierDefaults\.procedureName: must not contain control characters/,
    );
    assert.throws(() => fromContext({ dossierDefaults: { unitCode: 'PC06' } }), /dossierDefaults: .*unitCode/);
    assert.throws(() => fromContext({ dossierDefaults: 'not json' }), /dossierDefaults: /);
  });

  test("the API's public URL must be https", () => {
    assert.equal(
      fromContext({ apiPublicUrl: 'https://api.khoso.example/' }).apiPublicUrl,
      'https://api.khoso.example/',
    );
    assert.throws(() => fromContext({ apiPublicUrl: 'http://api.khoso.example/' }), /apiPublicUrl: must be https/);
  });
});
