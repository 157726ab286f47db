// The workspace's presentation settings: report branding (title, client, logo, accent colour, whether
// the workspace file name shows) and the currency of money figures. Kept as one JSON row of
// `settings`, so a workspace file carries its client's look wherever it is opened.
import type { DuckDBConnection } from '@duckdb/node-api';
import { imageSize } from 'image-size';
import { z } from 'zod';
import { CoreError } from '../api/errors.ts';
import type { DisplaySettings, ReportBranding, ReportLogo, SaveDisplaySettingsRequest } from '../api/report.ts';
import { queryRows } from '../db/sql.ts';
import { ACCENT } from './theme.ts';

const SETTINGS_KEY = 'display';

/** A logo larger than this would bloat every export and the workspace row that keeps it. */
export const MAX_LOGO_BYTES = 1024 * 1024;

export const DEFAULT_BRANDING: ReportBranding = { title: '', clientName: '', logo: null, accentColor: `#${ACCENT}`, hideWorkspaceName: false };

export const DEFAULT_DISPLAY_SETTINGS: DisplaySettings = { branding: DEFAULT_BRANDING, currency: null };

const ACCENT_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** Codes Intl knows; a made-up code would print as itself ("XYZ 12.00"), so it is refused here. */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const logoSchema = z.object({
  mimeType: z.enum(['image/png', 'image/jpeg']),
  base64: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 text')
    .refine((text) => (text.length * 3) / 4 <= MAX_LOGO_BYTES, `at most ${MAX_LOGO_BYTES / 1024} KB`),
});

const brandingSchema = z.object({
  title: z.string().max(200),
  clientName: z.string().max(200),
  logo: logoSchema.nullable(),
  accentColor: z.string().regex(ACCENT_PATTERN, 'a colour as #RRGGBB'),
  hideWorkspaceName: z.boolean(),
});

const currencySchema = z
  .string()
  .transform((code) => code.trim().toUpperCase())
  .refine((code) => KNOWN_CURRENCIES.has(code), 'an ISO 4217 currency code such as CNY or USD')
  .nullable();

const settingsSchema = z.object({ branding: brandingSchema, currency: currencySchema });

/** Branding fields over the defaults, checked; names the first wrong field in E_ARGS. */
export function checkBranding(fields: Partial<ReportBranding>, base: ReportBranding = DEFAULT_BRANDING): ReportBranding {
  const branding = parse(brandingSchema, { ...base, ...fields }, 'branding');
  if (branding.logo) logoSize(branding.logo);
  return branding;
}

/** The logo's pixel size, read from the image itself; a logo that is no PNG or JPEG image is refused. */
export function logoSize(logo: ReportLogo): { width: number; height: number } {
  const expected = logo.mimeType === 'image/png' ? 'png' : 'jpg';
  try {
    const size = imageSize(Buffer.from(logo.base64, 'base64'));
    if (size.type === expected && size.width && size.height) return { width: size.width, height: size.height };
  } catch {
    // unreadable bytes: answered below as not an image of the declared type
  }
  throw new CoreError('E_ARGS', `branding.logo must be a ${expected === 'png' ? 'PNG' : 'JPEG'} image, as its type says`, { field: 'branding.logo' });
}

/** A logo's box of at most `width` x `height`, keeping its proportions. */
export function logoBox(logo: ReportLogo, width: number, height: number): { width: number; height: number } {
  const size = logoSize(logo);
  const scale = Math.min(width / size.width, height / size.height);
  return { width: size.width * scale, height: size.height * scale };
}

/** The logo as a data: URL for HTML. */
export function logoDataUrl(logo: ReportLogo): string {
  return `data:${logo.mimeType};base64,${logo.base64}`;
}

export function checkCurrency(code: string | null): string | null {
  return parse(currencySchema, code, 'currency');
}

function parse<T>(schema: z.ZodType<T, unknown>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [path, ...issue.path.map(String)].join('.');
  throw new CoreError('E_ARGS', `${field} must be ${issue.message}`, { field });
}

/** The saved settings, else the defaults (a row written by a later release is read field by field). */
export async function workspaceDisplaySettings(connection: DuckDBConnection): Promise<DisplaySettings> {
  const [row] = await queryRows<{ value: string }>(connection, 'SELECT value FROM settings WHERE key = $key', { key: SETTINGS_KEY });
  if (!row) return DEFAULT_DISPLAY_SETTINGS;
  const saved = settingsSchema.partial().safeParse(JSON.parse(row.value));
  if (!saved.success) return DEFAULT_DISPLAY_SETTINGS;
  return { branding: saved.data.branding ?? DEFAULT_BRANDING, currency: saved.data.currency ?? null };
}

export async function saveDisplaySettings(connection: DuckDBConnection, request: SaveDisplaySettingsRequest): Promise<DisplaySettings> {
  const current = await workspaceDisplaySettings(connection);
  const next: DisplaySettings = {
    branding: request.branding === undefined ? current.branding : checkBranding(request.branding, current.branding),
    currency: request.currency === undefined ? current.currency : checkCurrency(request.currency),
  };
  await connection.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($key, $value)', { key: SETTINGS_KEY, value: JSON.stringify(next) });
  return next;
}
