// The Content-Security-Policy of the workbench page, in one place for every host that serves it:
// Electron's app:// protocol, the HTTP host, and the meta tag of renderer/index.html (a test checks
// the three agree). Scripts and data only from the app itself, no frames, no plugins, no forms.
export const APP_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The same policy as a `<meta>` tag can carry it: browsers ignore frame-ancestors there and log an
 * error on every load, so the page's tag leaves it out (the hosts still send it as a header).
 */
export const META_CONTENT_SECURITY_POLICY = APP_CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
