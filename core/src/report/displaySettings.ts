// The workspace's presentation settings: report branding (title, client, logo, accent colour, whether
// the workspace file name shows) and the currency of money figures. Kept as one JSON row of
// `settings`, so a workspace file carries its client's look wherever it is opened. Until the user
// chooses a currency, it is the one the imported amounts were written with ("¥12.50"), if any.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { imageSize } from 'image-size';
import { z } from 'zod';
import { CoreError } from '../api/errors.ts';
import type { DisplaySettings, ReportBranding, ReportLogo, SaveDisplaySettingsRequest } from '../api/report.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';
import { ACCENT } from './theme.ts';

const SETTINGS_KEY = 'display';
/** The currency the imported amounts carried (JSON of an ISO code), written by the orders import. */
const AMOUNT_CURRENCY_KEY = 'amount_currency';

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

/**
 * Signs and codes an amount can be written with, and the currency each names. ¥ is the yuan here
 * (the workbench's shops are Chinese first); a yen amount says JPY. Longer signs first ("US$" before "$").
 */
const CURRENCY_SIGNS: readonly [sign: string, currency: string][] = [
  ['US$', 'USD'], ['HK$', 'HKD'], ['R$', 'BRL'], ['¥', 'CNY'], ['￥', 'CNY'], ['元', 'CNY'], ['RMB', 'CNY'],
  ['$', 'USD'], ['€', 'EUR'], ['£', 'GBP'], ['₩', 'KRW'],
  ...['CNY', 'USD', 'EUR', 'GBP', 'HKD', 'JPY', 'BRL', 'KRW'].map((code): [string, string] => [code, code]),
];

const escapeRegex = (text: string) => text.replace(/[$^\\.*+?()[\]{}|]/g, '\\$&');
const SIGN_PATTERN = CURRENCY_SIGNS.map(([sign]) => escapeRegex(sign)).join('|');
/** A sign in a header ("Amount ($)", "用户实付金额(元)", "price_usd"); a code only as a word of its own. */
const HEADER_SIGN = new RegExp(CURRENCY_SIGNS.map(([sign]) => (/^[A-Z]+$/.test(sign) ? `(?<![A-Za-z])${sign}(?![A-Za-z])` : escapeRegex(sign))).join('|'), 'i');

/** The order fields holding what was paid; discounts and refunds are written like them. */
const AMOUNT_FIELDS = ['amount', 'unit_price', 'line_amount'] as const;

/** Amounts read per import to find their sign: enough to see the shop's habit, cheap on any file. */
const SIGN_SAMPLE_ROWS = 10_000;
/** Share of the signed amounts one currency must hold to be the default: a file mixing currencies names none. */
const SIGN_MAJORITY = 0.9;

const currencyOfSign = (sign: string) => CURRENCY_SIGNS.find(([known]) => known === sign.toUpperCase())?.[1] ?? null;

/**
 * The currency the amounts of an import were written with: the sign most of the sampled values carry
 * ("¥12.50", "12.50 EUR"), else one in an amount column's header ("金额(元)"), else null.
 * `relation` has a column per mapped field; `mapping` names the header each field was read from.
 */
export async function amountCurrency(connection: DuckDBConnection, relation: { sql: string; params: Record<string, DuckDBValue> }, mapping: Record<string, string>): Promise<string | null> {
  // Derived fields ("@order_id") were read from no column of their own.
  const columns = AMOUNT_FIELDS.flatMap((column) => (mapping[column] && !mapping[column].startsWith('@') ? [{ column, header: mapping[column] }] : []));
  if (columns.length === 0) return null;
  const values = columns.map(({ column }) => `CAST(${quoteIdent(column)} AS VARCHAR)`).join(', ');
  const rows = await queryRows<{ sign: string; amounts: number }>(
    connection,
    `SELECT sign, CAST(count(*) AS DOUBLE) AS amounts FROM (
       SELECT regexp_extract(unnest([${values}]), $pattern) AS sign FROM (SELECT * FROM (${relation.sql}) LIMIT ${SIGN_SAMPLE_ROWS})
     ) WHERE sign <> '' GROUP BY sign`,
    { ...relation.params, pattern: SIGN_PATTERN },
  );
  const byCurrency = new Map<string, number>();
  for (const row of rows) {
    const currency = currencyOfSign(row.sign);
    if (currency) byCurrency.set(currency, (byCurrency.get(currency) ?? 0) + Number(row.amounts));
  }
  const signed = [...byCurrency.values()].reduce((sum, count) => sum + count, 0);
  if (signed > 0) return [...byCurrency].find(([, count]) => count >= signed * SIGN_MAJORITY)?.[0] ?? null;
  const inHeaders = new Set(columns.flatMap(({ header }) => {
    const sign = HEADER_SIGN.exec(header)?.[0];
    const currency = sign === undefined ? null : currencyOfSign(sign);
    return currency ? [currency] : [];
  }));
  return inHeaders.size === 1 ? [...inHeaders][0]! : null;
}

/** Keeps the currency an import's amounts carried; an import whose amounts carry none leaves an earlier one. */
export async function recordAmountCurrency(connection: DuckDBConnection, currency: string | null): Promise<void> {
  if (currency === null) return;
  await connection.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($key, $value)', { key: AMOUNT_CURRENCY_KEY, value: JSON.stringify(currency) });
}

async function recordedAmountCurrency(connection: DuckDBConnection): Promise<string | null> {
  const [row] = await queryRows<{ value: string }>(connection, 'SELECT value FROM settings WHERE key = $key', { key: AMOUNT_CURRENCY_KEY });
  const recorded = row ? currencySchema.safeParse(JSON.parse(row.value)) : null;
  return recorded?.success ? recorded.data : null;
}

/** The settings row as saved (a row written by a later release is read field by field); `currency` is absent until the user chooses one. */
async function savedSettings(connection: DuckDBConnection): Promise<Partial<DisplaySettings>> {
  const [row] = await queryRows<{ value: string }>(connection, 'SELECT value FROM settings WHERE key = $key', { key: SETTINGS_KEY });
  const saved = row ? settingsSchema.partial().safeParse(JSON.parse(row.value)) : null;
  return saved?.success ? saved.data : {};
}

/**
 * The saved settings, else the defaults. A currency the user never chose (no currency saved) is the
 * one the amounts were imported with; a currency saved as null (the user chose none) stays none.
 */
export async function workspaceDisplaySettings(connection: DuckDBConnection): Promise<DisplaySettings> {
  const saved = await savedSettings(connection);
  return {
    branding: saved.branding ?? DEFAULT_BRANDING,
    currency: saved.currency === undefined ? await recordedAmountCurrency(connection) : saved.currency,
  };
}

/**
 * Saves what the request names. A currency is stored only once the user chooses one, so saving the
 * branding alone keeps following the currency of the amounts imported later.
 */
export async function saveDisplaySettings(connection: DuckDBConnection, request: SaveDisplaySettingsRequest): Promise<DisplaySettings> {
  const saved = await savedSettings(connection);
  const branding = saved.branding ?? DEFAULT_BRANDING;
  const next: Partial<DisplaySettings> = {
    branding: request.branding === undefined ? branding : checkBranding(request.branding, branding),
    ...(request.currency === undefined ? (saved.currency === undefined ? {} : { currency: saved.currency }) : { currency: checkCurrency(request.currency) }),
  };
  await connection.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($key, $value)', { key: SETTINGS_KEY, value: JSON.stringify(next) });
  return workspaceDisplaySettings(connection);
}
