// The goods page's dialogs: a product's details, a SKU's price (typed in yuan, sent as integer
// fen), a new SKU and a listing on a channel (Beijing time), each submitted as a change for a
// second person's review; taking it off a channel at once, with a reason; a number card's numbers
// imported from lines of CSV and a code-delivered SKU's codes loaded, with what was not taken.
// The server's refusal shows in the dialog, in the staff member's language.
import { useState, type ReactNode } from 'react';
import { App, Form, Input, InputNumber, Modal, Select, Table, Typography } from 'antd';
import { fenToYuanText, formatBeijing, formatFen, fromBeijing, parseYuan } from '../shared/format.ts';
import { toApiError, type ApiError } from './api.ts';
import { useI18n } from './i18n.tsx';
import { MALL_CHANNELS, type MallChannel, type MallClient, type NumberImport, type Product, type Sku } from './mall-api.ts';
import { named, skuLabel } from './mall-goods-ui.tsx';
import type { MessageKey } from './messages.ts';
import { ErrorAlert } from './ui.tsx';

export type Dialog =
  | { kind: 'details' }
  | { kind: 'price'; sku: Sku }
  | { kind: 'sku' }
  | { kind: 'listing'; channel?: MallChannel }
  | { kind: 'unlist'; channel: MallChannel }
  | { kind: 'numbers' }
  | { kind: 'codes'; sku: Sku };

interface Props { api: MallClient; product: Product; dialog: Dialog | null; onClose(): void; onDone(): void }

/** The open dialog of the product page, if any. */
export function GoodsDialogs(p: Props) {
  const d = p.dialog;
  if (!d) return null;
  switch (d.kind) {
    case 'details': return <DetailsDialog {...p} />;
    case 'price': return <PriceDialog {...p} sku={d.sku} />;
    case 'sku': return <SkuDialog {...p} />;
    case 'listing': return <ListingDialog {...p} channel={d.channel} />;
    case 'unlist': return <UnlistDialog {...p} channel={d.channel} />;
    case 'numbers': return <NumbersDialog {...p} />;
    case 'codes': return <CodesDialog {...p} sku={d.sku} />;
  }
}

/** A dialog whose OK validates the form and runs `submit`; a refusal stays in the dialog. */
function useDialogRun(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (submit: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await submit();
      onDone();
      return true;
    } catch (e) {
      setError(toApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function FormDialog({ title, okText, busy, error, onOk, onCancel, children, width }: {
  title: string; okText: string; busy: boolean; error?: ApiError; onOk(): void; onCancel(): void; children: ReactNode; width?: number;
}) {
  const { t } = useI18n();
  return (
    <Modal open title={title} okText={okText} cancelText={t('common.cancel')} onOk={onOk} onCancel={onCancel} confirmLoading={busy} destroyOnHidden width={width ?? 560}>
      {error && <ErrorAlert error={error} />}
      {children}
    </Modal>
  );
}

/** A rule for a yuan amount field: it must read as an amount. */
function useYuanRule() {
  const { t } = useI18n();
  return { validator: async (_r: unknown, v: string | undefined) => { if (v && parseYuan(v) === null) throw new Error(t('mall.goods.yuanBad')); } };
}
const fenOf = (v: string) => parseYuan(v)!;
const required = (message: string) => ({ required: true, whitespace: true, message });
const linesOf = (v: string | undefined) => (v ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

function PriceDialog({ api, product, sku, onClose, onDone }: Props & { sku: Sku }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ list: string; sale: string; points?: number | null }>();
  const { busy, error, run } = useDialogRun(onDone);
  const yuan = useYuanRule();
  const pointsToo = product.kind === 'points_gift' || sku.points !== null;
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = { skuId: sku.id, listFen: fenOf(v.list), saleFen: fenOf(v.sale), ...(pointsToo ? { points: v.points ?? null } : {}) };
    if (await run(() => api.changePrice(product.id, body))) { message.success(t('mall.goods.submittedDone')); onClose(); }
  };
  return (
    <FormDialog title={t('mall.goods.priceTitle', { sku: `${i18n.pick(product.names)} ${skuLabel(sku)}` })} okText={t('mall.goods.submit')} busy={busy} error={error} onOk={ok} onCancel={onClose}>
      <Typography.Paragraph type="secondary">{`${t('mall.goods.listPrice')} ${formatFen(sku.listFen)} · ${t('mall.goods.salePrice')} ${formatFen(sku.saleFen)}`}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ list: fenToYuanText(sku.listFen), sale: fenToYuanText(sku.saleFen), points: sku.points }}>
        <Form.Item label={t('mall.goods.listYuan')} name="list" rules={[required(t('mall.goods.required')), yuan]}><Input inputMode="decimal" autoComplete="off" /></Form.Item>
        <Form.Item
          label={t('mall.goods.saleYuan')} name="sale" dependencies={['list']}
          rules={[required(t('mall.goods.required')), yuan, ({ getFieldValue }) => ({
            validator: async (_r, v: string | undefined) => {
              const list = parseYuan(String(getFieldValue('list') ?? ''));
              const sale = v ? parseYuan(v) : null;
              if (list !== null && sale !== null && sale > list) throw new Error(t('mall.goods.saleAboveList'));
            },
          })]}
        >
          <Input inputMode="decimal" autoComplete="off" />
        </Form.Item>
        {pointsToo && (
          <Form.Item label={t('mall.goods.points')} name="points" rules={[{ type: 'integer', min: 1, message: t('mall.goods.pointsBad') }]}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        )}
      </Form>
    </FormDialog>
  );
}

/** `颜色=雅川青` lines to attributes, or the number of the first line that is not one. */
function parseAttrs(lines: string[]): Record<string, string> | number {
  const out: Record<string, string> = {};
  for (const [i, line] of lines.entries()) {
    const m = /^([^=＝]+)[=＝](.+)$/.exec(line);
    if (!m) return i + 1;
    out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

function SkuDialog({ api, product, onClose, onDone }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string; attrs?: string; list: string; sale: string; points?: number | null }>();
  const { busy, error, run } = useDialogRun(onDone);
  const yuan = useYuanRule();
  const pointsToo = product.kind === 'points_gift';
  const attrsRule = { validator: async (_r: unknown, v: string | undefined) => { const a = parseAttrs(linesOf(v)); if (typeof a === 'number') throw new Error(t('mall.goods.attrLineBad', { n: a })); } };
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = { code: v.code.trim(), attrs: parseAttrs(linesOf(v.attrs)) as Record<string, string>, listFen: fenOf(v.list), saleFen: fenOf(v.sale), ...(pointsToo ? { points: v.points ?? null } : {}) };
    if (await run(() => api.addSku(product.id, body))) { message.success(t('mall.goods.submittedDone')); onClose(); }
  };
  return (
    <FormDialog title={t('mall.goods.skuTitle', { name: i18n.pick(product.names) })} okText={t('mall.goods.submit')} busy={busy} error={error} onOk={ok} onCancel={onClose}>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item label={t('mall.goods.skuCode')} name="code" rules={[required(t('mall.goods.required'))]}><Input maxLength={60} autoComplete="off" /></Form.Item>
        <Form.Item label={t('mall.goods.attrLines')} name="attrs" rules={[attrsRule]}><Input.TextArea rows={3} /></Form.Item>
        <Form.Item label={t('mall.goods.listYuan')} name="list" rules={[required(t('mall.goods.required')), yuan]}><Input inputMode="decimal" autoComplete="off" /></Form.Item>
        <Form.Item
          label={t('mall.goods.saleYuan')} name="sale" dependencies={['list']}
          rules={[required(t('mall.goods.required')), yuan, ({ getFieldValue }) => ({
            validator: async (_r, v: string | undefined) => {
              const list = parseYuan(String(getFieldValue('list') ?? ''));
              const sale = v ? parseYuan(v) : null;
              if (list !== null && sale !== null && sale > list) throw new Error(t('mall.goods.saleAboveList'));
            },
          })]}
        >
          <Input inputMode="decimal" autoComplete="off" />
        </Form.Item>
        {pointsToo && (
          <Form.Item label={t('mall.goods.points')} name="points" rules={[{ required: true, message: t('mall.goods.pointsBad') }, { type: 'integer', min: 1, message: t('mall.goods.pointsBad') }]}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        )}
      </Form>
    </FormDialog>
  );
}

/** The specification table as lines `屏幕|Display|尺寸|Size|6.82 英寸`, and back. */
function specsToLines(p: Product): string {
  return p.specs.flatMap((g) => g.items.map((i) => [g.group['zh-CN'], g.group.en, i.name['zh-CN'], i.name.en, i.value].join('|'))).join('\n');
}
type SpecInput = { groupZh: string; groupEn: string; items: { nameZh: string; nameEn: string; value: string }[] };
function parseSpecs(lines: string[]): SpecInput[] | number {
  const groups: SpecInput[] = [];
  for (const [i, line] of lines.entries()) {
    const parts = line.split('|').map((x) => x.trim());
    if (parts.length !== 5 || parts.some((x) => !x)) return i + 1;
    const [groupZh, groupEn, nameZh, nameEn, value] = parts as [string, string, string, string, string];
    let g = groups.find((x) => x.groupZh === groupZh && x.groupEn === groupEn);
    if (!g) groups.push(g = { groupZh, groupEn, items: [] });
    g.items.push({ nameZh, nameEn, value });
  }
  return groups;
}

function DetailsDialog({ api, product, onClose, onDone }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { busy, error, run } = useDialogRun(onDone);
  const [form] = Form.useForm<{ nameZh: string; nameEn: string; brand?: string; descriptionZh?: string; descriptionEn?: string; tags?: string[]; images?: string; specs?: string }>();
  const specsRule = { validator: async (_r: unknown, v: string | undefined) => { const s = parseSpecs(linesOf(v)); if (typeof s === 'number') throw new Error(t('mall.goods.specLineBad', { n: s })); } };
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = {
      nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), brand: (v.brand ?? '').trim(), descriptionZh: (v.descriptionZh ?? '').trim(), descriptionEn: (v.descriptionEn ?? '').trim(),
      // The category is kept as it is: the details change replaces every field it names.
      categoryId: product.categoryId, tags: v.tags ?? [], images: linesOf(v.images), specs: parseSpecs(linesOf(v.specs)) as SpecInput[],
    };
    if (await run(() => api.changeDetails(product.id, body))) { message.success(t('mall.goods.submittedDone')); onClose(); }
  };
  return (
    <FormDialog title={t('mall.goods.detailsTitle', { name: i18n.pick(product.names) })} okText={t('mall.goods.submit')} busy={busy} error={error} onOk={ok} onCancel={onClose} width={720}>
      <Form
        form={form} layout="vertical" requiredMark={false}
        initialValues={{
          nameZh: product.names['zh-CN'], nameEn: product.names.en, brand: product.brand, descriptionZh: product.descriptions['zh-CN'], descriptionEn: product.descriptions.en,
          tags: product.tags, images: product.images.join('\n'), specs: specsToLines(product),
        }}
      >
        <Form.Item label={t('mall.goods.nameZh')} name="nameZh" rules={[required(t('mall.goods.required'))]}><Input maxLength={60} /></Form.Item>
        <Form.Item label={t('mall.goods.nameEn')} name="nameEn" rules={[required(t('mall.goods.required'))]}><Input maxLength={120} /></Form.Item>
        <Form.Item label={t('mall.goods.brand')} name="brand"><Input maxLength={40} /></Form.Item>
        <Form.Item label={t('mall.goods.descriptionZh')} name="descriptionZh"><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        <Form.Item label={t('mall.goods.descriptionEn')} name="descriptionEn"><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item label={t('mall.goods.tags')} name="tags"><Select mode="tags" aria-label={t('mall.goods.tags')} tokenSeparators={[',', '，']} open={false} suffixIcon={null} /></Form.Item>
        <Form.Item label={t('mall.goods.images')} name="images"><Input.TextArea rows={2} /></Form.Item>
        <Form.Item label={t('mall.goods.specLines')} name="specs" rules={[specsRule]}><Input.TextArea rows={5} /></Form.Item>
      </Form>
    </FormDialog>
  );
}

function ListingDialog({ api, product, channel, onClose, onDone }: Props & { channel?: MallChannel }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { busy, error, run } = useDialogRun(onDone);
  const [form] = Form.useForm<{ channel: MallChannel; from: string; until?: string }>();
  const timeRule = (optional: boolean) => ({ validator: async (_r: unknown, v: string | undefined) => { if ((v?.trim() || !optional) && !fromBeijing(v ?? '')) throw new Error(t('mall.goods.timeBad')); } });
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = { channel: v.channel, listedFrom: fromBeijing(v.from)!, listedUntil: v.until?.trim() ? fromBeijing(v.until)! : null };
    if (await run(() => api.list(product.id, body))) { message.success(t('mall.goods.submittedDone')); onClose(); }
  };
  return (
    <FormDialog title={t('mall.goods.listTitle', { name: i18n.pick(product.names) })} okText={t('mall.goods.submit')} busy={busy} error={error} onOk={ok} onCancel={onClose}>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ channel, from: formatBeijing(new Date()) }}>
        <Form.Item label={t('mall.goods.channel')} name="channel" rules={[{ required: true, message: t('mall.goods.required') }]}>
          <Select aria-label={t('mall.goods.channel')} options={MALL_CHANNELS.map((c) => ({ value: c, label: i18n.channel(c) }))} />
        </Form.Item>
        <Form.Item label={t('mall.goods.listedFrom')} name="from" extra={t('mall.goods.timeHint')} rules={[timeRule(false)]}><Input autoComplete="off" /></Form.Item>
        <Form.Item
          label={t('mall.goods.listedUntil')} name="until" extra={t('mall.goods.untilHint')} dependencies={['from']}
          rules={[timeRule(true), ({ getFieldValue }) => ({
            validator: async (_r, v: string | undefined) => {
              const from = fromBeijing(String(getFieldValue('from') ?? ''));
              const until = v?.trim() ? fromBeijing(v) : null;
              if (from && until && until <= from) throw new Error(t('mall.goods.untilBeforeFrom'));
            },
          })]}
        >
          <Input autoComplete="off" />
        </Form.Item>
      </Form>
    </FormDialog>
  );
}

function UnlistDialog({ api, product, channel, onClose, onDone }: Props & { channel: MallChannel }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { busy, error, run } = useDialogRun(onDone);
  const [form] = Form.useForm<{ reason: string }>();
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    if (await run(() => api.unlist(product.id, channel, v.reason.trim()))) { message.success(t('mall.goods.unlisted', { channel: i18n.channel(channel) })); onClose(); }
  };
  return (
    <FormDialog
      title={t('mall.goods.unlistTitle', { channel: i18n.channel(channel), name: i18n.pick(product.names) })} okText={t('mall.goods.unlist')}
      busy={busy} error={error} onOk={ok} onCancel={onClose}
    >
      <Typography.Paragraph>{t('mall.goods.unlistText')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item label={t('mall.goods.unlistReason')} name="reason" rules={[required(t('common.reasonRequired'))]}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
      </Form>
    </FormDialog>
  );
}

const NUMBER_REASONS: Record<string, MessageKey> = {
  'not a mobile number': 'mall.goods.numberReason.notNumber', 'deposit is not whole fen': 'mall.goods.numberReason.deposit',
  repeated: 'mall.goods.numberReason.repeated', 'already in a pool': 'mall.goods.numberReason.taken',
};

function NumbersDialog({ api, product, onClose, onDone }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const [result, setResult] = useState<NumberImport>();
  const { busy, error, run } = useDialogRun(onDone);
  const [form] = Form.useForm<{ csv: string }>();
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    await run(async () => setResult(await api.importNumbers(product.id, v.csv)));
  };
  return (
    <FormDialog title={t('mall.goods.numbersTitle', { name: i18n.pick(product.names) })} okText={t('mall.goods.import')} busy={busy} error={error} onOk={ok} onCancel={onClose} width={640}>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item label={t('mall.goods.numbersCsv')} name="csv" rules={[required(t('mall.goods.required'))]}><Input.TextArea rows={6} spellCheck={false} /></Form.Item>
      </Form>
      {result && (
        <div role="status" data-testid="numbers-result">
          <Typography.Paragraph strong>{t('mall.goods.numbersDone', { added: result.added, bad: result.rejected.length })}</Typography.Paragraph>
          {result.rejected.length > 0 && (
            <Table
              size="small" rowKey={(r) => `${r.line}-${r.text}`} pagination={{ pageSize: 10, hideOnSinglePage: true }} dataSource={result.rejected}
              columns={[
                { title: t('mall.goods.line'), dataIndex: 'line', render: (n: number) => (n > 0 ? n : '—') },
                { title: t('mall.goods.text'), dataIndex: 'text' },
                { title: t('mall.goods.reason'), dataIndex: 'reason', render: (r: string) => (NUMBER_REASONS[r] ? t(NUMBER_REASONS[r]) : r) },
              ]}
            />
          )}
        </div>
      )}
    </FormDialog>
  );
}

function CodesDialog({ api, product, sku, onClose, onDone }: Props & { sku: Sku }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [result, setResult] = useState<{ added: number; skipped: number }>();
  const { busy, error, run } = useDialogRun(onDone);
  const [form] = Form.useForm<{ codes: string }>();
  const ok = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    await run(async () => setResult(await api.loadCodes(sku.id, v.codes)));
  };
  return (
    <FormDialog title={t('mall.goods.codesTitle', { sku: `${i18n.pick(product.names)} ${skuLabel(sku)}` })} okText={t('mall.goods.import')} busy={busy} error={error} onOk={ok} onCancel={onClose}>
      <Typography.Paragraph type="secondary">{named(i18n, 'goods.deliveryKind', product.delivery)}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item label={t('mall.goods.codes')} name="codes" rules={[required(t('mall.goods.required'))]}><Input.TextArea rows={6} spellCheck={false} /></Form.Item>
      </Form>
      {result && <Typography.Paragraph role="status" strong>{t('mall.goods.codesDone', result)}</Typography.Paragraph>}
    </FormDialog>
  );
}
