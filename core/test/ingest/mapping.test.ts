// Pure parts of the import: encoding decisions on byte samples, header keys, profiles and the proposed mapping.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { proposeMapping, requireMapping, type ColumnStats } from '../../src/ingest/mapping.ts';
import { cutAtCharBoundary, detectEncoding } from '../../src/ingest/probe.ts';
import { headerKey } from '../../src/ingest/vocabulary.ts';

describe('encoding detection', () => {
  const text = '订单编号,买家会员名\n1,张三\n';
  it('trusts a BOM, then strict UTF-8, then the NUL pattern of UTF-16, else GB18030', () => {
    expect(detectEncoding('f', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), true).encoding).toBe('utf-8');
    expect(detectEncoding('f', Buffer.from(text), true).encoding).toBe('utf-8');
    expect(detectEncoding('f', iconv.encode('order_id,customer_id\n1,a\n2,b\n', 'utf-16le'), true).encoding).toBe('utf-16le');
    expect(detectEncoding('f', iconv.encode('order_id,customer_id\n1,a\n2,b\n', 'utf-16be'), true).encoding).toBe('utf-16be');
    expect(detectEncoding('f', iconv.encode(text, 'gbk'), true).encoding).toBe('gb18030');
  });

  it('does not call a sample UTF-8 file GBK because the sample cut a character in half', () => {
    const bytes = Buffer.from('a,b\n张三'); // 张 and 三 are 3 bytes each: cut after the first byte of 三
    const cut = bytes.subarray(0, bytes.length - 2);
    expect(cutAtCharBoundary(cut).toString('utf8')).toBe('a,b\n张');
    expect(detectEncoding('f', cut, false).encoding).toBe('utf-8');
  });

  it('fails with E_ENCODING naming the line when the user says UTF-8 and the bytes are not', () => {
    const error = (() => {
      try {
        detectEncoding('orders.csv', iconv.encode('id,name\n1,ok\n2,张三\n', 'gbk'), true, 'utf-8');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_ENCODING');
    expect((error as CoreError).message).toMatch(/^orders\.csv line 3 column name: /);
  });
});

describe('column mapping', () => {
  it('compares headers ignoring case, spaces, punctuation and full-width forms', () => {
    expect(headerKey(' Order ID ')).toBe(headerKey('order_id'));
    expect(headerKey('ＯｒｄｅｒＩＤ')).toBe('orderid');
    expect(headerKey('订单付款时间 ')).toBe('订单付款时间');
  });

  it('maps a JD line export through its profile, line fields included', () => {
    const headers = ['订单号', '下单帐号', '下单时间', '订单金额', '应付金额', '订单状态', '商品ID', '商品名称', '订购数量', '京东价', '省'];
    const decision = proposeMapping('orders', headers);
    expect(decision.profile?.id).toBe('jd');
    expect(decision.mapping).toEqual({
      order_id: '订单号', customer_id: '下单帐号', ordered_at: '下单时间', amount: '应付金额', status: '订单状态', region: '省',
      items: '订购数量', sku: '商品ID', product: '商品名称', unit_price: '京东价',
    });
    expect(decision.lineLevel).toBe(true);
  });

  it('skips a synonym whose sample values are not of the field type', () => {
    const headers = ['order_id', 'customer_id', 'date', 'created_at'];
    const stats = (dates: number): ColumnStats => ({ nonEmpty: 10, dates, numbers: 0, dayFirst: false, untidy: false, castDates: dates, castNumbers: 0 });
    // "date" holds words, "created_at" holds dates: the date field takes created_at although "date" ranks first.
    const decision = proposeMapping('orders', headers, {}, [stats(0), stats(0), stats(1), stats(10)]);
    expect(decision.mapping.ordered_at).toBe('created_at');
  });

  it('lets the user override, unmap and derive fields, and refuses a header the file lacks', () => {
    const headers = ['订单编号', '总金额', '订单创建时间'];
    const decision = proposeMapping('orders', headers, { customer_id: '@order_id', amount: '' });
    expect(decision.mapping).toEqual({ customer_id: '@order_id', order_id: '订单编号', ordered_at: '订单创建时间' });
    expect(() => proposeMapping('orders', headers, { customer_id: '买家会员名' }, [], 'a.csv')).toThrow(/a\.csv: mapping names column "买家会员名" for customer_id/);
    expect(() => proposeMapping('orders', headers, { order_id: '@row' })).toThrow(/not a derived value/);
  });

  it('names the candidates of a missing required field (headers containing a synonym), and how to do without', () => {
    const headers = ['订单号码', '买家昵称ID', '日期'];
    const decision = proposeMapping('orders', headers);
    expect(decision.missingRequired).toEqual(['order_id', 'customer_id']);
    expect(() => requireMapping(decision, 'orders', 'x.csv', headers)).toThrow(
      /^x\.csv: no column for order_id \(candidates: 订单号码; .*"@customer_day"\); no column for customer_id \(candidates: 买家昵称ID; .*"@order_id"/,
    );
    const unknown = ['A', 'B'];
    expect(() => requireMapping(proposeMapping('orders', unknown), 'orders', 'y.csv', unknown)).toThrow(/candidates: none.*Headers: A, B\./);
  });
});
