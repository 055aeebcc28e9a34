import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiRoutes } from '../../functions/composition/api-routes.ts';
import type { RouteGroup } from '../../functions/platform/http/contract/route-contract.ts';
import { type FunctionObservability, ocrFunction, VaultFunction } from './vault-function.ts';

export interface VaultApiProps {
  namePrefix: string;
  /** Environment of the route-group Lambdas (table, bucket, limits). */
  vaultEnvironment: Record<string, string>;
  /** Environment of the authorizer and the auth routes (IDENTITY_PROVIDERS, TABLE_NAME). */
  authEnvironment: Record<string, string>;
  /** What only the auth routes need besides: browser-login settings and which secrets hold client secrets. */
  browserLoginEnvironment: Record<string, string>;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

const templatesFunction = { ...ocrFunction, timeout: Duration.seconds(29) };

// Preparing and completing signatures parses and rewrites whole PDFs.
const pdfFunction = { memorySize: 1024, timeout: Duration.seconds(29) };

/** Each route group's Lambda entry: the handler module of the feature that owns the routes. */
const routeGroupEntries: Record<RouteGroup, string> = {
  meta: 'functions/composition/meta-handler.ts',
  auth: 'functions/auth/handlers/auth.ts',
  folders: 'functions/vault/handlers/folders.ts',
  documents: 'functions/vault/handlers/documents.ts',
  uploads: 'functions/digitize/handlers/uploads.ts',
  templates: 'functions/templates/handlers/templates.ts',
  signatures: 'functions/signing/handlers/signatures.ts',
  sharing: 'functions/sharing/handlers/sharing.ts',
  audit: 'functions/audit/handlers/audit.ts',
  pulls: 'functions/sync/handlers/pulls.ts',
  integration: 'functions/integration/handlers/results.ts',
  unitSync: 'functions/sync/handlers/unit-sync.ts',
  sync: 'functions/sync/handlers/sync-admin.ts',
  portalLinks: 'functions/sync/handlers/portal-links.ts',
};
const groups = Object.keys(routeGroupEntries) as RouteGroup[];

/**
 * The HTTP API, routed from the shared route contract: one Lambda per route group, and
 * the shared Lambda authorizer on every non-public route.
 */
export class VaultApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly handlers: Record<RouteGroup, VaultFunction>;
  readonly authorizer: VaultFunction;

  constructor(scope: Construct, id: string, props: VaultApiProps) {
    super(scope, id);
    this.handlers = Object.fromEntries(
      groups.map((group) => [
        group,
        new VaultFunction(this, `${title(group)}Handler`, {
          entry: routeGroupEntries[group],
          handler: 'handler',
          functionName: `${props.namePrefix}-api-${group}`,
          serviceName: `api-${group}`,
          description: `khoso API: ${group} routes`,
          // meta serves only public documents and needs no vault resources; auth only the trusted issuers.
          environment:
            group === 'meta'
              ? {}
              : group === 'auth'
                ? { ...props.authEnvironment, ...props.browserLoginEnvironment }
                : props.vaultEnvironment,
          logRetention: props.logRetention,
          observability: props.observability,
          // Testing a template on a sample runs OCR, as the workflow's RecognizePage function does.
          ...(group === 'templates' ? templatesFunction : {}),
          ...(group === 'signatures' ? pdfFunction : {}),
        }),
      ]),
    ) as Record<RouteGroup, VaultFunction>;

    this.authorizer = new VaultFunction(this, 'Authorizer', {
      entry: 'functions/auth/handlers/authorizer.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-authorizer`,
      serviceName: 'authorizer',
      description: "khoso API: verifies bearer tokens against their trusted issuer's JWKS and the deny list",
      environment: props.authEnvironment,
      logRetention: props.logRetention,
      observability: props.observability,
    });
    // The authorizer always allows and hands its verdict to the route, which answers 401 as
    // problem+json. Without identity sources it runs on every request (a missing header must
    // reach the route too), and caching must then be off.
    const authorizer: IHttpRouteAuthorizer = new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizer.fn, {
      authorizerName: `${props.namePrefix}-token`,
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${props.namePrefix}-api`,
      description: 'khoso vault API',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No source IP or user agent: they identify citizens and the route logs carry the request id.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const integrations = Object.fromEntries(
      groups.map((group) => [group, new HttpLambdaIntegration(`${title(group)}Integration`, this.handlers[group].fn)]),
    ) as Record<RouteGroup, HttpLambdaIntegration>;
    for (const route of apiRoutes) {
      const isPublic = 'public' in route && route.public === true;
      const added = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.group],
        ...(isPublic ? {} : { authorizer }),
      });
      if (isPublic) {
        for (const r of added) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public by contract (health, OpenAPI, reference; shared links, which carry their own unguessable token, PIN and rate limits; the national warehouse's download links, whose unguessable token is the credential; browser login and the providers' logout, which carry their own state, cookie binding or signed logout token).`,
          });
        }
      }
    }
  }

  get url(): string {
    return this.stage.url;
  }
}

function title(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
