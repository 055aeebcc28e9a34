import { apiRoutes } from '../../functions/composition/api-routes.ts';
import { routeKey, type RouteContract } from '../../functions/platform/http/contract/route-contract.ts';

export type RouteMatch =
  | { kind: 'route'; route: RouteContract; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

const compiled = apiRoutes.map((route) => {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_all, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route: route as RouteContract, regex: new RegExp(`^${pattern}$`), names };
});

/** Matches a request like API Gateway does: exact paths, `{name}` segments, method last. */
export function matchRoute(method: string, path: string): RouteMatch {
  const candidates = compiled.filter(({ regex }) => regex.test(path));
  if (candidates.length === 0) return { kind: 'not-found' };
  const hit = candidates.find(({ route }) => route.method === method);
  if (!hit) return { kind: 'method-not-allowed', allowed: candidates.map(({ route }) => route.method) };
  const values = hit.regex.exec(path)?.slice(1) ?? [];
  const pathParameters: Record<string, string> = {};
  hit.names.forEach((name, index) => {
    let value = values[index] ?? '';
    try {
      value = decodeURIComponent(value);
    } catch {
      // API Gateway passes undecodable segments through; validation rejects them.
    }
    pathParameters[name] = value;
  });
  return { kind: 'route', route: hit.route, routeKey: routeKey(hit.route), pathParameters };
}
