// @vitest-environment happy-dom
// Table headers wrap between words only: Chinese words from Intl.Segmenter, a lone affix kept with its word.
import { cleanup, screen } from '@testing-library/react';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { ArrowTable } from '../src/components/ArrowTable.tsx';
import { wordPieces } from '../src/components/WordWrap.tsx';
import { renderWith } from './fakeCore.tsx';

afterEach(cleanup);

describe('headers break between words', () => {
  it('cuts Chinese headers at word boundaries, keeping 率, 数 and 距 with their words', () => {
    expect(wordPieces('留存率', 'zh-CN')).toEqual(['留存率']);
    expect(wordPieces('无此原因流失率', 'zh-CN')).toEqual(['无此', '原因', '流失率']);
    expect(wordPieces('距最近购买天数', 'zh-CN')).toEqual(['距最近', '购买天数']);
    expect(wordPieces('流失客户', 'zh-CN')).toEqual(['流失', '客户']);
    // words the dictionary does not know come as lone characters: joined four at most, in pairs where they no longer fit
    expect(wordPieces('距末单天数', 'zh-CN')).toEqual(['距末单', '天数']);
    expect(wordPieces('工单至末单天数', 'zh-CN')).toEqual(['工单至', '末单天数']);
    // brackets stay with the words they enclose
    expect(wordPieces('工单至末单天数（中位）', 'zh-CN')).toEqual(['工单至', '末单天数', '（中位）']);
    expect(wordPieces('涉及收入（近 12 个月）', 'zh-CN')).toEqual(['涉及', '收入', '（近', ' ', '12', ' ', '个月）']);
    expect(wordPieces('95% 区间', 'zh-CN').join('')).toBe('95% 区间');
    // English breaks at its spaces already
    expect(wordPieces('Days since last order', 'en')).toEqual(['Days since last order']);
  });

  it('marks only word boundaries in a table header, under keep-all', () => {
    const table = tableFromArrays({ recency: Int32Array.from([4]) });
    renderWith(<ArrowTable table={table} columns={[{ name: 'recency', label: '距最近购买天数' }]} label="RFM" />, { language: 'zh-CN' });
    const label = screen.getByRole('columnheader').querySelector('.word-wrap');
    expect(label?.innerHTML).toBe('距最近<wbr>购买天数');
  });
});
