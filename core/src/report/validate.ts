// Checks a report model that crossed a process boundary, naming the first field that is wrong.
import { CoreError } from '../api/errors.ts';
import { REPORT_AREAS, type ReportBranding, type ReportColumnFormat, type ReportModel } from '../api/report.ts';
import { checkBranding, checkCurrency } from './displaySettings.ts';

const LANGS = ['zh-CN', 'en'];
const COLUMN_FORMATS: readonly ReportColumnFormat[] = ['text', 'integer', 'number', 'percent', 'money', 'date'];

type Record_ = Record<string, unknown>;

function fail(path: string, expected: string): never {
  throw new CoreError('E_ARGS', `${path} must be ${expected}`, { field: path });
}

function object(value: unknown, path: string): Record_ {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Record_;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array');
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string');
  return value;
}

function oneOf(value: unknown, allowed: readonly string[], path: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(path, `one of ${allowed.join(', ')}`);
}

export function assertReportModel(value: unknown, path = 'report'): asserts value is ReportModel {
  const report = object(value, path);
  if (report.version !== 1) fail(`${path}.version`, '1');
  oneOf(report.lang, LANGS, `${path}.lang`);
  string(report.title, `${path}.title`);
  string(report.subtitle, `${path}.subtitle`);
  string(report.createdAt, `${path}.createdAt`);
  if (report.branding !== undefined) checkBranding(object(report.branding, `${path}.branding`) as Partial<ReportBranding>);
  if (report.currency !== undefined && report.currency !== null) checkCurrency(string(report.currency, `${path}.currency`));
  if (report.summary !== undefined) array(report.summary, `${path}.summary`).forEach((item, index) => string(item, `${path}.summary[${index}]`));
  const ids = new Set<string>();
  array(report.sections, `${path}.sections`).forEach((item, index) => {
    const at = `${path}.sections[${index}]`;
    const section = object(item, at);
    const id = string(section.id, `${at}.id`);
    if (!id || ids.has(id)) fail(`${at}.id`, 'a non-empty id no other section has');
    ids.add(id);
    oneOf(section.area, [...REPORT_AREAS, 'custom'], `${at}.area`);
    string(section.title, `${at}.title`);
    string(section.headline, `${at}.headline`);
    string(section.note, `${at}.note`);
    array(section.options, `${at}.options`).forEach((option, n) => {
      const entry = object(option, `${at}.options[${n}]`);
      string(entry.label, `${at}.options[${n}].label`);
      string(entry.value, `${at}.options[${n}].value`);
    });
    if (section.chart !== undefined) {
      const chart = object(section.chart, `${at}.chart`);
      array(chart.data, `${at}.chart.data`).forEach((trace, n) => object(trace, `${at}.chart.data[${n}]`));
      object(chart.layout, `${at}.chart.layout`);
      if (chart.height !== undefined && !(typeof chart.height === 'number' && chart.height >= 100 && chart.height <= 2000)) {
        fail(`${at}.chart.height`, 'a number of pixels from 100 to 2000');
      }
    }
    if (section.table !== undefined) {
      const table = object(section.table, `${at}.table`);
      string(table.name, `${at}.table.name`);
      if (!(table.arrow instanceof Uint8Array)) fail(`${at}.table.arrow`, 'Arrow IPC bytes');
      array(table.columns, `${at}.table.columns`).forEach((item, n) => {
        const column = object(item, `${at}.table.columns[${n}]`);
        string(column.key, `${at}.table.columns[${n}].key`);
        string(column.label, `${at}.table.columns[${n}].label`);
        oneOf(column.format, COLUMN_FORMATS, `${at}.table.columns[${n}].format`);
        if (column.formatKey !== undefined) string(column.formatKey, `${at}.table.columns[${n}].formatKey`);
        if (column.pValueKey !== undefined) string(column.pValueKey, `${at}.table.columns[${n}].pValueKey`);
      });
    }
  });
}
