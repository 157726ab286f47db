// app://workbench/ serves the built renderer from disk with a strict Content-Security-Policy.
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_CONTENT_SECURITY_POLICY } from '../../core/src/api/security.ts';
import { APP_SCHEME } from '../protocol.ts';

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** The file under `root` a request names, or null when it would leave `root`. */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  const { pathname } = new URL(requestUrl);
  const file = normalize(join(root, decodeURIComponent(pathname)));
  return file.startsWith(root + sep) ? file : null;
}

export function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', APP_CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
