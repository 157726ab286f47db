// The Taobao/Tmall recipe: the order report (订单报表) and the item report (宝贝报表) of one export, joined into one relation.
//
// 千牛 exports an order's buyer, times, payment and refund in the order report, and its items
// (标题, 价格, 购买数量, 商家编码, one row each) in the item report, which names neither the buyer
// nor a time. Imported together (two files, or a folder), the item rows are joined to their order
// by 订单编号: one row per item with the order's fields, the order's payment and refund on its first
// item row only (folding the lines then counts them once); an order without items is one row.
// The joined headers are those of an item export with buyer and time, so the taobao_tmall_items
// profile maps them.
import type { ImportKind } from '../api/workspace.ts';
import { quoteIdent } from '../db/sql.ts';
import type { Recipe } from './olist.ts';
import type { ReadFile } from './read.ts';
import { readerSql, type ReadOptions, type SqlPiece } from './reader.ts';
import { headerKey } from './vocabulary.ts';

/** Headers each report must carry, and the ones the join reads when present (first spelling found wins). */
const ORDER_REPORT = { signature: ['订单编号', '订单创建时间', '买家实际支付金额'] };
const ITEM_REPORT = { signature: ['订单编号', '购买数量'], title: ['宝贝标题', '标题'], price: ['单价', '价格'] };
const ORDER_FIELDS = ['买家会员名', '订单创建时间', '订单付款时间', '收货地址', '订单状态'] as const;
const ORDER_MONEY = ['买家实际支付金额', '退款金额'] as const;

/** The file's header with this key, as the file spells it (trailing spaces and all), or null. */
function header(file: ReadFile, ...names: readonly string[]): string | null {
  for (const name of names) {
    const found = file.headers.find((candidate) => headerKey(candidate) === headerKey(name));
    if (found) return found;
  }
  return null;
}

const has = (file: ReadFile, names: readonly string[]) => names.every((name) => header(file, name) !== null);

/** The recipe when the import holds a Taobao order report and an item report without buyers, else null. */
export function taobaoRecipe(kind: ImportKind, files: readonly ReadFile[]): Recipe | null {
  if (kind !== 'orders' || files.length !== 2) return null;
  const orders = files.findIndex((file) => has(file, ORDER_REPORT.signature));
  const items = files.findIndex((file, position) => position !== orders && has(file, ITEM_REPORT.signature) && header(file, ...ITEM_REPORT.title) !== null);
  if (orders < 0 || items < 0) return null;
  const orderFile = files[orders] as ReadFile;
  const itemFile = files[items] as ReadFile;
  const q = quoteIdent;
  const from = (file: ReadFile, table: string, ...names: readonly string[]) => {
    const found = header(file, ...names);
    return found === null ? 'NULL' : `${table}.${q(found)}`;
  };
  const firstItem = `row_number() OVER (PARTITION BY o.${q(header(orderFile, '订单编号') ?? '')} ORDER BY ${from(itemFile, 'i', '商家编码')}, ${from(itemFile, 'i', ...ITEM_REPORT.title)}) = 1`;
  const columns = [
    `o.${q(header(orderFile, '订单编号') ?? '')} AS ${q('订单编号')}`,
    ...ORDER_FIELDS.filter((name) => name !== '订单状态').map((name) => `${from(orderFile, 'o', name)} AS ${q(name)}`),
    // The item's own status first: Taobao marks refunded items 退款成功 in an order that otherwise succeeded.
    `coalesce(${from(itemFile, 'i', '订单状态')}, ${from(orderFile, 'o', '订单状态')}) AS ${q('订单状态')}`,
    ...ORDER_MONEY.map((name) => `CASE WHEN ${firstItem} THEN ${from(orderFile, 'o', name)} END AS ${q(name)}`),
    `${from(itemFile, 'i', ...ITEM_REPORT.title)} AS ${q('宝贝标题')}`,
    `${from(itemFile, 'i', ...ITEM_REPORT.price)} AS ${q('单价')}`,
    `${from(itemFile, 'i', '购买数量')} AS ${q('购买数量')}`,
    `${from(itemFile, 'i', '商家编码')} AS ${q('商家编码')}`,
  ];
  const headers = ['订单编号', ...ORDER_FIELDS, ...ORDER_MONEY, '宝贝标题', '单价', '购买数量', '商家编码'];
  return {
    id: 'taobao_tmall_reports',
    primary: orders,
    auxiliary: new Set([items]),
    headers,
    joined: 'the Taobao order report (buyer, times, payment, refund) and item report (one row per item) by 订单编号',
    unreadReviews: null,
    relation: (options: (position: number) => ReadOptions): SqlPiece => {
      const read = (file: ReadFile, position: number) => readerSql(file, position, file.headers.map((name, index) => ({ name, index })), options(position));
      const o = read(orderFile, orders);
      const i = read(itemFile, items);
      return {
        sql: `WITH o AS (${o.sql}), i AS (${i.sql})
              SELECT o.__src, ${columns.join(', ')}
              FROM o LEFT JOIN i ON i.${q(header(itemFile, '订单编号') ?? '')} = o.${q(header(orderFile, '订单编号') ?? '')}`,
        params: { ...o.params, ...i.params },
      };
    },
  };
}
