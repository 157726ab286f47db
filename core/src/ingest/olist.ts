// The Olist recipe: a multi-file export joined into one relation, so its orders and reviews import like any single file.
//
// Olist ships orders, customers, items, payments, products and reviews as separate tables, and
// its `customer_id` is per order: the real customer is `customer_unique_id` from the customers
// table. Given the files in one import (a folder, typically), the recipe recognises each file's
// role by its headers and joins them:
// - orders: one row per item (order fields repeated, the payment total on the first item only, so
//   folding the lines sums it once), with the unique customer, state and product category;
// - tickets: one row per review, with the unique customer when the orders and customers files
//   come along (otherwise the loader finds the customer through the workspace's orders).
import type { DuckDBValue } from '@duckdb/node-api';
import type { ImportKind } from '../api/workspace.ts';
import { quoteIdent } from '../db/sql.ts';
import type { ReadFile } from './read.ts';
import { readerSql, type ReadOptions, type SqlPiece } from './reader.ts';
import { headerKey } from './vocabulary.ts';

type Role = 'orders' | 'customers' | 'items' | 'payments' | 'products' | 'translation' | 'reviews' | 'other';

const ROLE_SIGNATURES: [Role, string[]][] = [
  ['orders', ['order_id', 'customer_id', 'order_status', 'order_purchase_timestamp']],
  ['customers', ['customer_id', 'customer_unique_id']],
  ['items', ['order_id', 'order_item_id', 'product_id', 'price']],
  ['payments', ['order_id', 'payment_sequential', 'payment_value']],
  ['products', ['product_id', 'product_category_name']],
  ['translation', ['product_category_name', 'product_category_name_english']],
  ['reviews', ['review_id', 'order_id', 'review_score']],
];

export interface Recipe {
  id: string;
  /** The file whose rows are the import's rows. */
  primary: number;
  /** Every other file: read for the join, recorded in sources. */
  auxiliary: Set<number>;
  /** Columns of the joined relation; the mapping is made on these. */
  headers: string[];
  /** What was joined, in English words for the import's warning ("orders with their customers, items"). */
  joined: string;
  /** The reviews file an orders import leaves unread (it imports as tickets); null when there is none. */
  unreadReviews: string | null;
  /** The joined relation, columns named by `headers`, plus `__src` = primary. */
  relation(options: (position: number) => ReadOptions): SqlPiece;
}

function roleOf(file: ReadFile): Role {
  const keys = new Set(file.headers.map(headerKey));
  return ROLE_SIGNATURES.find(([, signature]) => signature.every((header) => keys.has(headerKey(header))))?.[0] ?? 'other';
}

/** The Olist recipe when the files hold the roles it needs, else null. */
export function olistRecipe(kind: ImportKind, files: readonly ReadFile[]): Recipe | null {
  if (files.length < 2) return null;
  const roles = new Map<Role, number>();
  files.forEach((file, position) => {
    const role = roleOf(file);
    if (!roles.has(role)) roles.set(role, position);
  });
  const primaryRole: Role = kind === 'orders' ? 'orders' : 'reviews';
  const primary = roles.get(primaryRole);
  if (primary === undefined || (kind === 'orders' && !roles.has('customers'))) return null;
  const auxiliary = new Set(files.map((_, position) => position).filter((position) => position !== primary));
  const read = (role: Role, options: (position: number) => ReadOptions): SqlPiece | null => {
    const position = roles.get(role);
    const file = position === undefined ? undefined : files[position];
    if (position === undefined || !file) return null;
    return readerSql(file, position, file.headers.map((name, index) => ({ name, index })), options(position));
  };
  if (kind !== 'orders') return reviewsRecipe(primary, auxiliary, roles, read);
  const reviews = roles.get('reviews');
  return ordersRecipe(primary, auxiliary, roles, read, reviews === undefined ? null : files[reviews]!.path);
}

type ReadRole = (role: Role, options: (position: number) => ReadOptions) => SqlPiece | null;

function withCtes(ctes: [string, SqlPiece | null][], select: string): SqlPiece {
  const present = ctes.filter((entry): entry is [string, SqlPiece] => entry[1] !== null);
  const params: Record<string, DuckDBValue> = {};
  for (const [, piece] of present) Object.assign(params, piece.params);
  return { sql: `WITH ${present.map(([name, piece]) => `${name} AS (${piece.sql})`).join(', ')} ${select}`, params };
}

const q = quoteIdent;

function ordersRecipe(primary: number, auxiliary: Set<number>, roles: Map<Role, number>, read: ReadRole, unreadReviews: string | null): Recipe {
  const hasItems = roles.has('items');
  const hasProducts = hasItems && roles.has('products');
  const hasTranslation = hasProducts && roles.has('translation');
  const hasPayments = roles.has('payments');
  const headers = [
    'order_id', 'customer_unique_id', 'order_status', 'order_purchase_timestamp', 'order_approved_at', 'customer_state',
    ...(hasPayments ? ['payment_value'] : []),
    ...(hasItems ? ['order_item_id', 'product_id', 'price', 'items'] : []),
    ...(hasProducts ? ['product_category'] : []),
  ];
  const parts = [roles.has('customers') && 'customers', hasItems && 'items', hasPayments && 'payments', hasProducts && 'product categories'].filter(Boolean);
  return {
    id: 'olist',
    primary,
    auxiliary,
    headers,
    joined: `orders with their ${parts.join(', ')}`,
    unreadReviews,
    relation: (options) => {
      const columns = [
        'o.__src', 'o.order_id', 'coalesce(c.customer_unique_id, o.customer_id) AS customer_unique_id', 'o.order_status',
        'o.order_purchase_timestamp', 'o.order_approved_at', 'c.customer_state',
      ];
      const joins = ['LEFT JOIN c ON c.customer_id = o.customer_id'];
      if (hasItems) {
        joins.push('LEFT JOIN i ON i.order_id = o.order_id');
        columns.push('i.order_item_id', 'i.product_id', 'i.price', `CASE WHEN i.order_item_id IS NOT NULL THEN '1' END AS items`);
      }
      if (hasPayments) {
        joins.push('LEFT JOIN p ON p.order_id = o.order_id');
        // The order's payment total on its first item row only: folding the lines then counts it once.
        columns.push(
          hasItems
            ? `CASE WHEN row_number() OVER (PARTITION BY o.order_id ORDER BY try_cast(i.order_item_id AS INTEGER)) = 1 THEN p.payment_value END AS payment_value`
            : 'p.payment_value',
        );
      }
      if (hasProducts) {
        joins.push('LEFT JOIN pr ON pr.product_id = i.product_id');
        if (hasTranslation) joins.push('LEFT JOIN t ON t.product_category_name = pr.product_category_name');
        columns.push(`${hasTranslation ? 'coalesce(t.product_category_name_english, pr.product_category_name)' : 'pr.product_category_name'} AS product_category`);
      }
      const payments = read('payments', options);
      return withCtes(
        [
          ['o', read('orders', options)],
          ['c', read('customers', options)],
          ['i', hasItems ? read('items', options) : null],
          ['p', payments ? { sql: `SELECT order_id, CAST(round(sum(try_cast(payment_value AS DOUBLE)), 2) AS VARCHAR) AS payment_value FROM (${payments.sql}) GROUP BY order_id`, params: payments.params } : null],
          ['pr', hasProducts ? read('products', options) : null],
          ['t', hasTranslation ? read('translation', options) : null],
        ],
        `SELECT ${columns.map((column) => column.replace(/^(\w+)\.(\w+)$/, (_, table: string, name: string) => `${table}.${q(name)}`)).join(', ')} FROM o ${joins.join(' ')}`,
      );
    },
  };
}

function reviewsRecipe(primary: number, auxiliary: Set<number>, roles: Map<Role, number>, read: ReadRole): Recipe {
  const linked = roles.has('orders') && roles.has('customers');
  const headers = ['review_id', 'order_id', 'review_score', 'review_comment_title', 'review_comment_message', 'review_creation_date', ...(linked ? ['customer_unique_id'] : [])];
  return {
    id: 'olist',
    primary,
    auxiliary,
    headers,
    joined: linked ? "reviews with their orders' customers" : 'reviews (no orders and customers files to name their customers)',
    unreadReviews: null,
    relation: (options) =>
      withCtes(
        [
          ['r', read('reviews', options)],
          ['o', linked ? read('orders', options) : null],
          ['c', linked ? read('customers', options) : null],
        ],
        `SELECT r.__src, ${headers.filter((header) => header !== 'customer_unique_id').map((header) => `r.${q(header)}`).join(', ')}${
          linked ? ', c.customer_unique_id FROM r LEFT JOIN o ON o.order_id = r.order_id LEFT JOIN c ON c.customer_id = o.customer_id' : ' FROM r'
        }`,
      ),
  };
}
