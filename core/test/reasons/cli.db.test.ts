// The reasons commands as a user runs them: classify a text or a file's column, segment a workspace,
// check and save a taxonomy; tidy CSV, JSON, and one-line errors.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { writeFixtureWorkspace } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS, ticketStatements } from './shop.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');
/** Each command starts a process; on a busy shared machine a handful of them take minutes. */
const TIMEOUT_MS = 300_000;

describe('churnwb reasons commands', () => {
  let dir: string;
  let workspace: string;
  const run = async (...args: string[]) => (await promisify(execFile)(process.execPath, [CLI, '-w', workspace, ...args])).stdout;
  const fail = async (...args: string[]) => {
    const error = await run(...args).then(
      () => null,
      (caught: { stderr: string; code: number }) => caught,
    );
    return error;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-reasons-cli-'));
    workspace = join(dir, 'shop.duckdb');
    await writeFixtureWorkspace(workspace, { orders: SHOP_ORDERS, statements: ticketStatements() });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('classify --text prints reasons with their evidence and the negated words', async () => {
    expect(await run('classify', '--text', '没有质量问题，就是發貨太慢')).toBe('logistics (0.6)  body: 发货太慢\nnegated in body: 质量问题\n');
    expect(JSON.parse(await run('classify', '--text', 'Too expensive', '--json'))).toEqual({
      primary: 'price',
      reasons: [{ reason: 'price', confidence: 0.6, evidence: [{ field: 'body', terms: ['too expensive'], spans: [{ start: 0, end: 13 }] }], source: 'rules' }],
      negated: [],
      praised: [],
    });
  });

  it('classify FILE --column: counts per reason, or one tidy row per reason and field', { timeout: TIMEOUT_MS }, async () => {
    const file = join(dir, 'texts.csv');
    writeFileSync(file, '\uFEFFid,text\n1,物流太慢\n2,"Late delivery, and too expensive"\n3,很满意\n');
    expect((await run('classify', file, '--column', 'text')).trim().split(/\r?\n/)).toEqual([
      '3 texts of column text; texts per reason (a text can have several):',
      'reason,texts,share',
      'logistics,2,66.7%',
      'price,1,33.3%',
      'unknown,1,33.3%',
    ]);
    expect((await run('classify', file, '--column', 'text', '--csv')).trim().split(/\r?\n/)).toEqual([
      'row,reason,confidence,field,terms',
      '1,logistics,0.6,body,物流太慢',
      // one complaint each: the first complained of is primary and comes first
      '2,logistics,0.6,body,late delivery',
      '2,price,0.6,body,too expensive',
      '3,unknown,0,,',
    ]);
    expect((await fail('classify', file, '--column', 'body'))?.stderr).toBe('churnwb: E_ARGS: ' + `${file} has no column "body"; columns: id, text\n`);
  });

  it('reasons --csv: one tidy row per reason and churn type, the hand-checked numbers of the shop', async () => {
    const lines = (await run('reasons', '--window-days', '30', '--as-of', '2024-06-30', '--csv')).trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'level,key,zh,en,churn_type,tickets,customers,churned_customers,share_of_churned,churn_rate_with,churn_rate_without,lift,lift_low,lift_high,revenue_at_stake,median_days_ticket_to_last_order',
    );
    // 13 reason rows (12 and unknown) and 7 churn-type rows; see segmentation.db.test.ts for the values
    expect(lines).toHaveLength(1 + 13 + 7);
    expect(lines[1]).toMatch(/^reason,logistics,物流配送,Delivery,big_shop_neglect,4,4,2,0.5,0.5,0.666666666666666\d*,0.75,0.21\d+,2.65\d+,350,13.5$/);
    expect(lines.filter((line) => line.startsWith('churn_type,')).map((line) => line.split(',')[1])).toContain('unknown');
  });

  it('reasons: a readable summary, and the days-before option', async () => {
    const text = await run('reasons', '--window-days', '30', '--as-of', '2024-06-30', '--days-before', '171');
    expect(text).toContain('tickets from 171 days before the last order to the churn date');
    expect(text).toContain('4 of 7 customers churned, 3 of them with tickets in their window');
    expect(text).toMatch(/\nprice,Price and value for money,1,1,0,0\.0%,0\.0%,/);
    // the columns' definitions close the summary, not the --csv output
    expect(text.trim().split('\n').at(-1)).toMatch(/^columns: customers with the reason in their tickets, .* median_days: median days from their tickets to their last order \(negative: the ticket came after it\)$/);
  });

  it('classify FILE --column --labels: precision, recall, F1 and the confusion of primary reasons, by hand', { timeout: TIMEOUT_MS }, async () => {
    const file = join(dir, 'labelled.csv');
    writeFileSync(file, 'id,text\n1,物流太慢\n2,"Late delivery, and too expensive"\n3,很满意\n4,质量很好但是太贵了\n');
    const labels = join(dir, 'labels.csv');
    // row 2 labelled price first (the classifier says logistics first); row 4 labelled quality (it says price)
    writeFileSync(labels, 'row,primary,others\n1,logistics,\n2,price,logistics\n3,none,\n4,product_quality,\n');
    const lines = (await run('classify', file, '--column', 'text', '--labels', labels)).trim().split(/\r?\n/);
    expect(lines.slice(0, 4)).toEqual([
      '4 labelled texts of column text',
      'all: 4 texts, top-reason accuracy 50.0%',
      'zh: 3 texts, top-reason accuracy 66.7%',
      'en: 1 texts, top-reason accuracy 0.0%',
    ]);
    // logistics: labelled 1 and 2, predicted 1 and 2; price: labelled 2, predicted 2 and 4; quality: labelled 4, never predicted
    expect(lines.slice(4, 8)).toEqual([
      'reason,labelled,predicted,both,precision,recall,f1',
      'logistics,2,2,2,100.0%,100.0%,1.000',
      'price,1,2,1,50.0%,100.0%,0.667',
      'product_quality,1,0,0,,0.0%,',
    ]);
    expect(lines.slice(8)).toEqual([
      'confusion of primary reasons (rows: label, columns: classifier):',
      'label,logistics,price,product_quality,none',
      'logistics,1,0,0,0',
      'price,1,0,0,0',
      'product_quality,0,1,0,0',
      'none,0,0,0,1',
    ]);
  });

  it('taxonomy: prints the one in force, checks a file naming the bad entry, saves and resets', { timeout: TIMEOUT_MS }, async () => {
    expect(await run('taxonomy')).toContain('taxonomy version 2 (bundled), low rating at most 2\nkey,zh,en,churn_type,');
    const broken = structuredClone(bundledTaxonomy());
    broken.reasons[3]!.keywords.zh[2] = '';
    const brokenFile = join(dir, 'broken.json');
    writeFileSync(brokenFile, JSON.stringify(broken));
    const error = await fail('taxonomy', '--check', brokenFile);
    expect([error?.code, error?.stderr]).toEqual([1, `churnwb: E_TAXONOMY: ${brokenFile}: taxonomy reasons[3].keywords.zh[2]: empty\n`]);
    expect((await fail('reasons', '--taxonomy', brokenFile))?.stderr).toContain('reasons[3].keywords.zh[2]: empty');

    const edited = structuredClone(bundledTaxonomy());
    edited.reasons.find((reason) => reason.key === 'price')!.keywords.zh.push('物流太慢');
    const editedFile = join(dir, 'edited.json5');
    writeFileSync(editedFile, `// a hand edit\n${JSON.stringify(edited)}`);
    // --taxonomy uses the edit for one run; the workspace keeps the bundled one
    // the whole phrase is now a price complaint, and the longest entry wins over the aspect and opinion inside it
    expect(await run('classify', '--text', '物流太慢', '--taxonomy', editedFile)).toBe('price (0.6)  body: 物流太慢\n');
    expect(await run('taxonomy', '--set', editedFile)).toContain('taxonomy version 3 (saved in the workspace)');
    expect(await run('classify', '--text', '物流太慢')).toContain('price (0.6)');
    expect(await run('taxonomy', '--reset')).toContain('(bundled)');
  });

  it('--help for every command, and E_ARGS for a bad call', { timeout: TIMEOUT_MS }, async () => {
    for (const command of ['classify', 'reasons', 'taxonomy']) expect(await run(command, '--help')).toContain(`Usage: churnwb ${command}`);
    expect((await fail('classify'))?.stderr).toBe('churnwb: E_ARGS: give either --text "..." or FILE --column COL\n');
    expect((await fail('reasons', '--churn-flag', 'tickets.label'))?.stderr).toBe('churnwb: E_ARGS: --churn-flag must be table.customer_column.event_column, got "tickets.label"\n');
  });
});
