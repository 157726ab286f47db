// What export headers mean: canonical import fields, their zh/en synonyms, and platform profiles.
//
// This is data, kept in one module so that adding a platform or a synonym is a one-line change.
// Headers are compared after `headerKey` (NFKC, lower case, spaces and punctuation removed), so
// "Order ID", "order_id" and "ＯｒｄｅｒＩＤ" are one key. Synonyms are listed best first: when
// several headers match one field, the earlier synonym wins (买家实际支付金额 before 总金额).
import type { ImportKind } from '../api/workspace.ts';

/** How a field's raw text is read: decides its normalisation and its reject reason. */
export type FieldType = 'id' | 'timestamp' | 'money' | 'number' | 'text' | 'status' | 'rating';

export interface FieldSpec {
  /** Canonical name, as used in a mapping (`{"amount": "实付金额"}`). */
  name: string;
  type: FieldType;
  /** Synonyms, best first; compared by `headerKey`. */
  synonyms: readonly string[];
  /** True for fields that exist only in line-level exports (one row per item). */
  line?: boolean;
}

/**
 * Derived values a mapping may name instead of a header (`{"order_id": "@customer_day"}`):
 * - `@customer_day`: for order exports without an order id, one order per customer and day
 *   (same-day purchases merged, as BTYD analyses of CDNOW do);
 * - `@order_id`: for order exports without a buyer column, each order is its own customer;
 * - `@row`: for ticket exports without an id, an id from the row's content (identical rows
 *   are numbered, so re-importing the same rows replaces them instead of doubling them).
 */
export const DERIVED_VALUES = {
  order_id: ['@customer_day'],
  customer_id: ['@order_id'],
  ticket_id: ['@row'],
  survey_id: ['@row'],
} as const satisfies Record<string, readonly string[]>;

export const ORDER_FIELDS: readonly FieldSpec[] = [
  {
    name: 'order_id',
    type: 'id',
    synonyms: [
      'order_id', 'order id', 'order number', 'order no', 'orderid', 'invoiceno', 'invoice no', 'invoice', 'invoice number',
      'invoice id', '订单编号', '订单号', '订单id', '主订单编号', '订单编码', '交易编号', '交易号', '单号', '订单',
    ],
  },
  {
    name: 'customer_id',
    type: 'id',
    synonyms: [
      'customer_unique_id', 'customer_id', 'customer id', 'customerid', 'customer', 'buyer id', 'buyer', 'buyer nick',
      'user_id', 'user id', 'userid', 'member id', 'customer email', 'email', 'billing email', 'e-mail', 'masterid',
      '买家会员名', '买家账号', '买家帐号', '买家id', '买家昵称', '会员名', '会员id', '用户id', '用户名', '客户id',
      '客户编号', '客户账号', '下单帐号', '下单账号',
    ],
  },
  {
    name: 'ordered_at',
    type: 'timestamp',
    synonyms: [
      'ordered_at', 'order date', 'order_date', 'order time', 'created at', 'created_at', 'created', 'date created',
      'invoicedate', 'invoice date', 'order_purchase_timestamp', 'purchase date', 'date', 'timestamp', 'datetime',
      '订单创建时间', '创建时间', '下单时间', '下单日期', '订单时间', '成交时间', '订单成交时间', '交易创建时间', '日期', '时间',
    ],
  },
  {
    name: 'paid_at',
    type: 'timestamp',
    synonyms: ['paid_at', 'paid at', 'payment date', 'paid date', 'date paid', 'order_approved_at', '订单付款时间', '付款时间', '支付时间', '付款确认时间'],
  },
  {
    name: 'amount',
    type: 'money',
    synonyms: [
      'amount', 'order total', 'order total amount', 'total', 'total amount', 'grand total', 'payment_value', 'paid amount',
      'sales', 'revenue', 'dollar_value', 'order amount', 'subtotal',
      '买家实际支付金额', '实付金额', '实际支付金额', '实付款', '用户实付金额(元)', '用户实付金额', '支付金额', '应付金额',
      '订单金额', '订单总金额', '总金额', '金额', '销售额', '成交金额',
    ],
  },
  {
    name: 'discount',
    type: 'money',
    synonyms: ['discount', 'discount amount', 'cart discount', 'cart discount amount', 'coupon amount', '优惠金额', '折扣金额', '折扣', '优惠', '店铺优惠', '店铺优惠折扣(元)'],
  },
  {
    name: 'refund_amount',
    type: 'money',
    synonyms: ['refund_amount', 'refund amount', 'refunded amount', 'refund', 'order refund amount', '退款金额', '退款', '已退款金额'],
  },
  {
    name: 'status',
    type: 'status',
    synonyms: ['status', 'order status', 'order_status', 'financial status', '订单状态', '交易状态', '状态'],
  },
  // After-sale state, kept apart from the order status by Chinese platforms (拼多多 售后状态): a refund word here makes the order refunded.
  { name: 'refund_status', type: 'status', synonyms: ['refund_status', 'refund status', 'return status', '售后状态', '退款状态'] },
  {
    name: 'channel',
    type: 'text',
    synonyms: ['channel', 'sales channel', 'source', 'order source', 'source name', '渠道', '订单来源', '来源', '下单渠道', '终端'],
  },
  {
    name: 'region',
    type: 'text',
    synonyms: [
      'region', 'province', 'state', 'billing province', 'shipping province', 'customer_state', 'country', 'billing country',
      'city', '收货地址', '省份', '省', '地区', '所在地区', '收货省份', '收货人省份',
    ],
  },
  {
    name: 'category',
    type: 'text',
    synonyms: ['category', 'product category', 'product_category', 'product_category_name_english', 'product_category_name', 'category name', '类目', '品类', '商品类目', '商品类别', '分类'],
  },
  {
    name: 'items',
    type: 'number',
    synonyms: [
      'items', 'quantity', 'qty', 'item count', 'number_of_cds', 'cds', 'lineitem quantity', '宝贝总数量', '商品数量', '商品数量(件)',
      '购买数量', '订购数量', '数量', '件数',
    ],
  },
  { name: 'sku', type: 'id', line: true, synonyms: ['sku', 'stockcode', 'stock code', 'lineitem sku', 'product_id', 'product id', 'item id', '商品编码', '商家编码', '商品id', '货号'] },
  { name: 'product', type: 'text', line: true, synonyms: ['product', 'product name', 'description', 'lineitem name', 'item name', '商品名称', '商品'] },
  { name: 'unit_price', type: 'money', line: true, synonyms: ['unit_price', 'unit price', 'unitprice', 'price', 'lineitem price', 'item cost', '单价', '商品单价', '商品价格', '京东价'] },
  { name: 'line_amount', type: 'money', line: true, synonyms: ['line_amount', 'line total', 'line amount', 'item total', '商品金额', '小计'] },
  { name: 'line_no', type: 'number', line: true, synonyms: ['line_no', 'line no', 'line number', 'order_item_id', 'lineitem #', '行号'] },
];

export const TICKET_FIELDS: readonly FieldSpec[] = [
  {
    name: 'ticket_id',
    type: 'id',
    synonyms: ['ticket_id', 'ticket id', 'ticket number', 'review_id', 'review id', 'case id', 'case number', 'id', '工单号', '工单编号', '工单id', '投诉编号', '评价id'],
  },
  {
    name: 'customer_id',
    type: 'id',
    synonyms: [
      'customer_id', 'customer id', 'customerid', 'customer email', 'requester email', 'requester', 'email', 'contact id',
      'contact email', 'user_id', 'user id', 'buyer id', '买家会员名', '买家账号', '买家昵称', '会员名', '用户id', '客户id', '客户编号', '用户名',
    ],
  },
  {
    name: 'created_at',
    type: 'timestamp',
    synonyms: [
      'created_at', 'created at', 'created time', 'created', 'review_creation_date', 'date created', 'date', 'timestamp', 'submitted at',
      '创建时间', '提交时间', '评价时间', '评论时间', '投诉时间', '时间', '日期',
    ],
  },
  { name: 'channel', type: 'text', synonyms: ['channel', 'ticket channel', 'via', 'source', '渠道', '来源', '咨询渠道'] },
  {
    name: 'category',
    type: 'text',
    synonyms: ['category', 'ticket type', 'type', 'issue type', 'churn category', 'cat', 'tags', '类型', '分类', '问题类型', '投诉类型', '工单类型', '类别'],
  },
  { name: 'subject', type: 'text', synonyms: ['subject', 'ticket subject', 'title', 'review_comment_title', 'summary', '标题', '主题'] },
  {
    name: 'body',
    type: 'text',
    synonyms: [
      'body', 'description', 'ticket description', 'text', 'content', 'review', 'review text', 'comment', 'review_comment_message',
      'message', 'churn reason', '内容', '评价', '评价内容', '评论', '评论内容', '问题描述', '投诉内容', '留言', '描述',
    ],
  },
  {
    name: 'rating',
    type: 'rating',
    synonyms: [
      'rating', 'review_score', 'review score', 'score', 'stars', 'csat', 'customer satisfaction rating', 'satisfaction score',
      'satisfaction', '评分', '星级', '满意度', '评价等级',
    ],
  },
  { name: 'order_id', type: 'id', synonyms: ['order_id', 'order id', 'order number', 'order no', '订单号', '订单编号'] },
  { name: 'refund_reason', type: 'text', synonyms: ['refund_reason', 'refund reason', 'return reason', '退款原因', '退货原因', '售后原因'] },
  { name: 'label', type: 'text', synonyms: ['label', 'sentiment', 'churn label', 'churn', '标签', '情感'] },
];

/**
 * Satisfaction survey answers: Qualtrics-style headers (ResponseId, RecordedDate, ExternalReference,
 * question texts) and 问卷星-style ones (序号, 提交答卷时间, question texts). Question texts are long,
 * so the scores are found by the words they contain (满意度, recommend, 建议 ...). Scores read like
 * ratings ("9分", "5 - Very satisfied", 非常满意): an unreadable one is empty, not a reject.
 */
export const SURVEY_FIELDS: readonly FieldSpec[] = [
  { name: 'survey_id', type: 'id', synonyms: ['survey_id', 'response id', 'responseid', 'response_id', 'survey id', '答卷编号', '答卷id', '序号', '编号'] },
  {
    name: 'customer_id',
    type: 'id',
    synonyms: [
      'customer_id', 'customer id', 'externalreference', 'external reference', 'externaldatareference', 'recipient email', 'email', 'user id',
      'user_id', '用户id', '客户id', '客户编号', '会员名', '买家会员名', '用户名', '会员id',
    ],
  },
  {
    name: 'responded_at',
    type: 'timestamp',
    synonyms: ['responded_at', 'recorded date', 'recordeddate', 'end date', 'enddate', 'submitted at', 'submission time', 'date', '提交答卷时间', '提交时间', '答卷时间', '填写时间', '结束时间', '时间'],
  },
  { name: 'csat', type: 'rating', synonyms: ['csat', 'satisfaction', 'satisfied', 'overall satisfaction', '满意度', '满意程度', '满意'] },
  { name: 'nps', type: 'rating', synonyms: ['nps', 'likelihood to recommend', 'recommend', 'net promoter', '推荐意愿', '推荐可能性', '净推荐值', '推荐'] },
  { name: 'comment', type: 'text', synonyms: ['comment', 'comments', 'feedback', 'open feedback', 'suggestion', 'why', '意见', '建议', '其他建议', '反馈', '留言', '原因', '评论'] },
];

export function fieldsOf(kind: ImportKind): readonly FieldSpec[] {
  return kind === 'orders' ? ORDER_FIELDS : kind === 'surveys' ? SURVEY_FIELDS : TICKET_FIELDS;
}

/** Fields an import cannot do without; tickets need at least one of TICKET_CONTENT_FIELDS instead. */
export const REQUIRED_FIELDS: Record<ImportKind, readonly string[]> = {
  orders: ['order_id', 'customer_id', 'ordered_at'],
  tickets: [],
  surveys: [],
};

/** A ticket must carry at least one of these to say anything about a customer. */
export const TICKET_CONTENT_FIELDS = ['body', 'subject', 'category', 'rating', 'label', 'refund_reason'] as const;

/** A survey answer must carry at least one of these. */
export const SURVEY_CONTENT_FIELDS = ['csat', 'nps', 'comment'] as const;

/** A platform's export: recognised by its signature headers, read with its own mapping. */
export interface PlatformProfile {
  id: string;
  name: string;
  kind: ImportKind;
  /** Headers that must all be present (compared by `headerKey`). */
  signature: readonly string[];
  /** Field to header, or to a derived value (`@...`); headers absent from a file are skipped. */
  mapping: Readonly<Record<string, string | readonly string[]>>;
  /**
   * One row per item with the order's own amounts repeated on every row (JD): an order's amount,
   * discount and refund are read once, not summed over its lines.
   */
  orderFieldsOnEveryLine?: boolean;
  /** Something every import with this profile should say, e.g. that the export carries no buyer id. */
  note?: string;
}

export const PROFILES: readonly PlatformProfile[] = [
  {
    id: 'taobao_tmall',
    name: 'Taobao / Tmall 订单报表 (千牛)',
    kind: 'orders',
    signature: ['订单编号', '订单创建时间'],
    // The order report is order-level: 宝贝标题 lists every item of the order, so it is not a line field.
    // 买家实际支付金额 is what the buyer paid (0.00 until paid); 总金额 the order's total before payment.
    mapping: {
      order_id: '订单编号', customer_id: ['买家会员名', '买家昵称'], ordered_at: '订单创建时间', paid_at: '订单付款时间',
      amount: ['买家实际支付金额', '总金额'], refund_amount: '退款金额', status: '订单状态', region: ['收货地址', '收货人省份'],
      items: '宝贝总数量', channel: '订单来源',
    },
  },
  {
    id: 'taobao_tmall_items',
    name: 'Taobao / Tmall 宝贝报表 (item report)',
    kind: 'orders',
    // The item report: one row per item (标题 or 宝贝标题, 价格 or 单价, 购买数量); an order's amount is the sum of price x quantity.
    signature: ['订单编号', '购买数量', '订单状态'],
    mapping: {
      order_id: '订单编号', customer_id: ['买家会员名', '买家昵称'], ordered_at: '订单创建时间', paid_at: '订单付款时间',
      // Present when joined with the order report (first item row only); otherwise the lines make the amount.
      amount: '买家实际支付金额',
      status: '订单状态', refund_amount: '退款金额', region: ['收货国家', '收货地址', '收货人省份'], sku: ['商家编码', '外部系统编号'],
      product: ['宝贝标题', '标题'], unit_price: ['单价', '价格'], items: '购买数量',
    },
  },
  {
    id: 'jd',
    name: 'JD 京东订单导出',
    kind: 'orders',
    signature: ['订单号', '下单时间', '京东价'],
    // One row per product; 应付金额 and 订单金额 are the order's, repeated on each of its rows.
    orderFieldsOnEveryLine: true,
    mapping: {
      order_id: '订单号', customer_id: ['下单帐号', '下单账号', '客户账号'], ordered_at: '下单时间', paid_at: '付款确认时间',
      amount: ['应付金额', '订单金额'], status: '订单状态', region: ['省', '省份'], sku: '商品ID', product: '商品名称',
      items: ['订购数量', '购买数量'], unit_price: '京东价', channel: '订单来源',
    },
  },
  {
    id: 'pinduoduo',
    name: 'Pinduoduo 拼多多订单导出',
    kind: 'orders',
    signature: ['订单号', '订单成交时间', '用户实付金额(元)'],
    // One row per order of one product. The export names no buyer: each order is its own customer unless the user maps one.
    mapping: {
      order_id: '订单号', customer_id: '@order_id', ordered_at: '订单成交时间', paid_at: '支付时间', amount: '用户实付金额(元)',
      discount: '店铺优惠折扣(元)', status: '订单状态', refund_status: '售后状态', region: '省', items: '商品数量(件)',
      product: '商品', sku: '商品id',
    },
    note: 'Pinduoduo exports carry no buyer id: each order is read as its own customer, so repeat and churn figures are empty; map a buyer column with --mapping {"customer_id": "HEADER"} to follow buyers',
  },
  {
    id: 'shopify',
    name: 'Shopify orders export',
    kind: 'orders',
    signature: ['Name', 'Financial Status', 'Lineitem name'],
    // One row per line item; order-level columns (Total, Paid at) are filled on the first row of each order only.
    mapping: {
      order_id: 'Name', customer_id: 'Email', ordered_at: 'Created at', paid_at: 'Paid at', amount: 'Total',
      discount: 'Discount Amount', refund_amount: 'Refunded Amount', status: 'Financial Status', channel: 'Source',
      region: ['Billing Province', 'Shipping Province', 'Billing Country'], sku: 'Lineitem sku', product: 'Lineitem name',
      items: 'Lineitem quantity', unit_price: 'Lineitem price',
    },
  },
  {
    id: 'woocommerce',
    name: 'WooCommerce orders export',
    kind: 'orders',
    signature: ['Order Number', 'Order Status', 'Order Date'],
    mapping: {
      order_id: 'Order Number', customer_id: ['Customer User ID', 'Billing Email', 'Customer Email'], ordered_at: 'Order Date',
      paid_at: 'Paid Date', amount: ['Order Total Amount', 'Order Total'], discount: ['Cart Discount Amount', 'Cart Discount'],
      refund_amount: ['Order Refund Amount', 'Order Refund'], status: 'Order Status', region: ['Billing State', 'Billing Country'],
    },
  },
  {
    id: 'uci_online_retail',
    name: 'UCI Online Retail (invoice lines)',
    kind: 'orders',
    signature: ['InvoiceNo', 'StockCode', 'UnitPrice'],
    mapping: {
      order_id: 'InvoiceNo', customer_id: 'CustomerID', ordered_at: 'InvoiceDate', sku: 'StockCode', product: 'Description',
      items: 'Quantity', unit_price: 'UnitPrice', region: 'Country',
    },
  },
  {
    id: 'uci_online_retail_ii',
    name: 'UCI Online Retail II (invoice lines)',
    kind: 'orders',
    signature: ['Invoice', 'StockCode', 'Price', 'Customer ID'],
    mapping: {
      order_id: 'Invoice', customer_id: 'Customer ID', ordered_at: 'InvoiceDate', sku: 'StockCode', product: 'Description',
      items: 'Quantity', unit_price: 'Price', region: 'Country',
    },
  },
  {
    id: 'cdnow',
    name: 'CDNOW transaction log',
    kind: 'orders',
    signature: ['customer_id', 'date', 'number_of_cds', 'dollar_value'],
    mapping: { order_id: '@customer_day', customer_id: 'customer_id', ordered_at: 'date', items: 'number_of_cds', amount: 'dollar_value' },
  },
  {
    id: 'cdnow_elog',
    name: 'CDNOW event log (BTYD)',
    kind: 'orders',
    signature: ['masterid', 'date', 'cds', 'sales'],
    mapping: { order_id: '@customer_day', customer_id: 'masterid', ordered_at: 'date', items: 'cds', amount: 'sales' },
  },
  {
    id: 'olist_orders',
    name: 'Olist orders (joined with customers, items, payments, products)',
    kind: 'orders',
    signature: ['order_id', 'customer_unique_id', 'order_purchase_timestamp'],
    mapping: {
      order_id: 'order_id', customer_id: 'customer_unique_id', ordered_at: 'order_purchase_timestamp', paid_at: 'order_approved_at',
      amount: 'payment_value', status: 'order_status', region: 'customer_state', category: 'product_category', items: 'items',
      line_no: 'order_item_id', sku: 'product_id', unit_price: 'price',
    },
  },
  {
    id: 'olist_reviews',
    name: 'Olist order reviews',
    kind: 'tickets',
    signature: ['review_id', 'order_id', 'review_score'],
    mapping: {
      ticket_id: 'review_id', order_id: 'order_id', customer_id: 'customer_unique_id', rating: 'review_score',
      subject: 'review_comment_title', body: 'review_comment_message', created_at: 'review_creation_date',
    },
  },
  {
    id: 'zendesk',
    name: 'Zendesk tickets export',
    kind: 'tickets',
    signature: ['Id', 'Requester', 'Subject', 'Via'],
    mapping: {
      ticket_id: 'Id', customer_id: ['Requester email', 'Requester'], created_at: 'Created at', channel: 'Via',
      category: ['Ticket type', 'Type', 'Tags'], subject: 'Subject', body: 'Description', rating: 'Satisfaction Score',
    },
  },
  {
    id: 'freshdesk',
    name: 'Freshdesk tickets export',
    kind: 'tickets',
    signature: ['Ticket ID', 'Created time', 'Source'],
    mapping: {
      ticket_id: 'Ticket ID', customer_id: ['Email', 'Contact ID', 'Full name'], created_at: 'Created time', channel: 'Source',
      category: 'Type', subject: 'Subject', body: 'Description', rating: ['Satisfaction rating', 'Customer satisfaction'],
    },
  },
  {
    id: 'ibm_telco',
    name: 'IBM Telco customer churn',
    kind: 'tickets',
    signature: ['Churn Label', 'Churn Reason'],
    mapping: {
      ticket_id: '@row', customer_id: ['CustomerID', 'Customer ID'], body: 'Churn Reason', category: 'Churn Category',
      label: 'Churn Label', rating: 'Satisfaction Score',
    },
  },
];

/** The form headers and synonyms are compared in: NFKC, lower case, no spaces or punctuation. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-./:()[\]{}'"#]+/g, '');
}

/**
 * Order status words (compared lower-cased and trimmed) to the four canonical statuses.
 * The rule: an order the customer paid for and did not get their money back for is
 * `completed`, whether or not it has shipped yet (it is a purchase); not yet paid is `pending`;
 * closed without payment or voided is `cancelled`; money returned in full is `refunded`.
 * Partial refunds stay `completed` (their refund_amount says how much came back).
 */
export const STATUS_WORDS: Readonly<Record<'completed' | 'cancelled' | 'refunded' | 'pending', readonly string[]>> = {
  completed: [
    'completed', 'complete', 'success', 'successful', 'succeeded', 'delivered', 'shipped', 'fulfilled', 'partially fulfilled', 'paid',
    'processing', 'invoiced', 'approved', 'done', 'finished', 'closed won', 'partially_refunded', 'partially refunded', 'wc-completed',
    'wc-processing', '交易成功', '已完成', '完成', '交易完成', '订单完成', '已签收', '已收货', '确认收货', '已发货', '卖家已发货',
    '卖家已发货，等待买家确认', '卖家已发货,等待买家确认', '等待买家确认收货', '买家已付款', '已付款', '已支付', '待发货', '等待卖家发货',
    '买家已付款，等待卖家发货', '买家已付款,等待卖家发货', '部分退款', '已评价', '待评价', '待收货',
    // JD: paid, waiting for the warehouse or the buyer's receipt. Pinduoduo: shipped, signed for.
    '等待出库', '等待确认收货', '已发货，待签收', '已发货,待签收', '待签收',
    // An after-sale column with nothing to say (拼多多 售后状态).
    '无售后或售后取消', '无售后',
  ],
  cancelled: [
    'cancelled', 'canceled', 'cancel', 'void', 'voided', 'failed', 'declined', 'unavailable', 'expired', 'rejected', 'wc-cancelled',
    'wc-failed', '交易关闭', '已关闭', '订单关闭', '已取消', '取消', '交易取消', '交易失败', '已作废', '作废', '订单取消', '无效',
    '删除', '(删除)',
  ],
  refunded: [
    'refunded', 'returned', 'refund', 'return', 'fully refunded', 'wc-refunded', '退款成功', '已退款', '全额退款', '退货', '已退货', '退款完成', '退货退款',
    '退货退款成功', '付款以后用户退款成功，交易自动关闭', '付款以后用户退款成功,交易自动关闭',
  ],
  pending: [
    'pending', 'created', 'on-hold', 'on hold', 'wc-pending', 'wc-on-hold', 'awaiting payment', 'unpaid', 'authorized', 'open',
    '等待买家付款', '待付款', '未付款', '待支付', '等待付款', '已下单', '待确认', '待审核', '锁定', '暂停',
  ],
};
