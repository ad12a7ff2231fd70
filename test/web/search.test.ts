// The hall's one search box: a business is found by its Chinese or English name, its pinyin
// initials (cz → 充值) and the phrasings people use (查话费, 办流量), best match first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseQuery, searchBusinesses, type Searchable } from '../../web/hall/search.ts';

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const ALL: Searchable[] = [
  { id: 'balance.query', names: l('话费余额查询', 'Balance'), keywords: ['查话费', '话费', '余额', 'balance'], pinyinInitials: 'hfyecx' },
  { id: 'recharge', names: l('充值缴费', 'Recharge'), keywords: ['充值', '交话费', 'top up'], pinyinInitials: 'czjf' },
  { id: 'pack.subscribe', names: l('订购业务', 'Order a pack'), keywords: ['办流量', '流量包', 'data pack'], pinyinInitials: 'dgyw' },
  { id: 'bill.query', names: l('账单查询', 'Bill'), descriptions: l('查询月度账单明细', 'Your monthly bill'), pinyinInitials: 'zdcx' },
];
const ids = (q: string) => searchBusinesses(ALL, q).map((b) => b.id);

test('by Chinese or English name, whole or begun', () => {
  assert.deepEqual(ids('账单查询'), ['bill.query']);
  assert.deepEqual(ids('账单'), ['bill.query']);
  assert.equal(ids('Recharge')[0], 'recharge');
  assert.equal(ids('rech')[0], 'recharge');
  assert.equal(ids('ORDER A PACK')[0], 'pack.subscribe');
});

test('by pinyin initials, whole or begun', () => {
  assert.equal(ids('cz')[0], 'recharge');
  assert.equal(ids('hfyecx')[0], 'balance.query');
  assert.equal(ids('ＣＺ')[0], 'recharge', 'full-width letters too');
  assert.equal(ids('zd')[0], 'bill.query');
});

test('by the phrasings people use, and a sentence that contains one', () => {
  assert.equal(ids('查话费')[0], 'balance.query');
  assert.equal(ids('办流量')[0], 'pack.subscribe');
  assert.equal(ids('top up')[0], 'recharge');
  assert.equal(ids('topup')[0], 'recharge');
  assert.equal(ids('我想办流量')[0], 'pack.subscribe');
});

test('nothing for nothing, and for what matches nothing', () => {
  assert.deepEqual(ids(''), []);
  assert.deepEqual(ids('   '), []);
  assert.deepEqual(ids('qqqq'), []);
  assert.equal(normaliseQuery(' Top-Up！'), 'topup');
});
