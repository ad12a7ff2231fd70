// 客群: the segments with their sizes; a new segment built from conditions on the customer
// features, its live count refreshed a moment after each edit (the server's own count, and its
// SEGMENT_RULE_INVALID shown at the condition it names); a snapshot that freezes a segment's
// members now; a list of numbers imported from CSV, with the lines it could not use.
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Card, Col, Drawer, Flex, Form, Input, Modal, Row, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { formatBeijing } from '../../shared/format.ts';
import { toApiError, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useMarketing, type ImportAnswer, type MemberPage, type Segment } from '../marketing-api.ts';
import { newCond, newGroup, nodeAt, RuleBuilder, toRule, type Group } from '../marketing-rule.tsx';
import { codeName } from '../marketing-ui.tsx';
import { ErrorAlert, errorText, PageTitle, ToneTag, useLoad } from '../ui.tsx';

type Names = { nameZh: string; nameEn: string };
const DEBOUNCE_MS = 400;

export default function MarketingSegmentsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const { message } = App.useApp();
  const list = useLoad(() => api.segments(), []);
  const [building, setBuilding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [freezing, setFreezing] = useState<Segment | null>(null);
  const [viewing, setViewing] = useState<Segment | null>(null);
  const [busy, setBusy] = useState(false);
  const [names] = Form.useForm<Names>();

  const snapshot = async () => {
    if (!freezing) return;
    const v = await names.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const s = await api.snapshot(freezing.id, v.nameZh.trim(), v.nameEn.trim());
      message.success(t('mkt.segments.snapshotDone', { name: i18n.pick(s.names), n: s.size }));
      setFreezing(null);
      list.reload();
    } catch (e) {
      message.error(errorText(toApiError(e), i18n));
    } finally {
      setBusy(false);
    }
  };

  const columns: ColumnsType<Segment> = [
    { title: t('mkt.segments.name'), key: 'name', render: (_v, s) => i18n.pick(s.names) },
    { title: t('mkt.segments.kind'), dataIndex: 'kind', render: (k: string) => <ToneTag tone={k === 'dynamic' ? 'blue' : 'grey'}>{codeName(i18n, 'segmentKind', k)}</ToneTag> },
    { title: t('mkt.segments.size'), dataIndex: 'size', align: 'right', render: (n: number) => n.toLocaleString() },
    { title: t('mkt.segments.countedAt'), dataIndex: 'countedAt', render: (v: string) => formatBeijing(v) },
    { title: t('mkt.segments.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatBeijing(v), responsive: ['lg'] },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, s) => (
        <Space wrap>
          <Button size="small" onClick={() => setViewing(s)} aria-label={`${t('mkt.segments.members')}：${i18n.pick(s.names)}`}>{t('mkt.segments.members')}</Button>
          <Button size="small" onClick={() => { names.resetFields(); setFreezing(s); }} aria-label={`${t('mkt.segments.snapshot')}：${i18n.pick(s.names)}`}>
            {t('mkt.segments.snapshot')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageTitle
        title={t('mkt.segments.title')}
        extra={(
          <Space wrap>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>{t('mkt.segments.import')}</Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setBuilding(true)}>{t('mkt.segments.new')}</Button>
          </Space>
        )}
      />
      {building && <SegmentBuilder onDone={(s) => { setBuilding(false); if (s) list.reload(); }} />}
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Segment>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.segments.empty') }} data-testid="segments-table"
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('mkt.segments.membersNote')}</Typography.Paragraph>
      <Modal
        open={freezing !== null} title={freezing ? t('mkt.segments.snapshotTitle', { name: i18n.pick(freezing.names) }) : ''}
        okText={t('mkt.segments.snapshot')} cancelText={t('common.cancel')} onOk={snapshot} onCancel={() => setFreezing(null)} confirmLoading={busy} destroyOnHidden
      >
        <NameFields form={names} />
      </Modal>
      <MembersDrawer segment={viewing} onClose={() => setViewing(null)} />
      <ImportDialog open={importing} onClose={(done) => { setImporting(false); if (done) list.reload(); }} />
    </>
  );
}

type Member = MemberPage['items'][number];

/** A segment's members, 50 at a time in id order (a dynamic one's rule evaluated as each page is read), numbers masked. */
function MembersDrawer({ segment, onClose }: { segment: Segment | null; onClose(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const { client } = useAuth();
  // Plans by name (every plan the catalogue has, at most 200), their id where a name is missing.
  const plans = useLoad(() => (segment ? client.offerings({ kind: 'plan', offset: 0, limit: 200, sort: 'id', order: 'asc' }) : Promise.resolve(undefined)), [segment !== null]);
  const planName = (planId: string) => {
    const o = plans.data?.items.find((x) => x.id === planId);
    return o ? i18n.name(o) : planId;
  };
  const [rows, setRows] = useState<Member[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError>();
  const load = async (afterId?: number) => {
    if (!segment) return;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.members(segment.id, afterId);
      setRows((r) => (afterId === undefined ? page.items : [...r, ...page.items]));
      setNext(page.nextAfterId);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    setRows([]);
    setNext(null);
    if (segment) void load();
    // The first page again only when another segment is opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [segment?.id]);
  const columns: ColumnsType<Member> = [
    { title: t('mkt.members.msisdn'), dataIndex: 'msisdn' },
    { title: t('mkt.members.city'), dataIndex: 'city' },
    { title: t('mkt.members.plan'), dataIndex: 'planId', render: (id: string) => planName(id) },
    { title: t('mkt.members.accountType'), dataIndex: 'accountType', render: (a: string) => codeName(i18n, 'value', a) },
  ];
  return (
    <Drawer open={segment !== null} onClose={onClose} size={640} title={segment ? t('mkt.members.title', { name: i18n.pick(segment.names) }) : ''} destroyOnHidden>
      {segment && (
        <>
          <Typography.Paragraph type="secondary">
            {t(segment.kind === 'dynamic' ? 'mkt.members.dynamic' : 'mkt.members.static')}
          </Typography.Paragraph>
          {error && <ErrorAlert error={error} onRetry={() => void load(rows.at(-1)?.subscriberId)} />}
          <Table<Member>
            size="small" rowKey="subscriberId" columns={columns} dataSource={rows} loading={loading} pagination={false}
            locale={{ emptyText: t('mkt.members.empty') }} data-testid="segment-members"
          />
          <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
            <Typography.Text type="secondary" data-testid="members-shown">{t('mkt.members.shown', { n: rows.length.toLocaleString(), total: segment.size.toLocaleString() })}</Typography.Text>
            {next !== null && <Button onClick={() => void load(next)} loading={loading}>{t('mkt.members.more')}</Button>}
          </Flex>
        </>
      )}
    </Drawer>
  );
}

function NameFields({ form }: { form: ReturnType<typeof Form.useForm<Names>>[0] }) {
  const { t } = useI18n();
  return (
    <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item label={t('field.nameZh')} name="nameZh" rules={[{ required: true, whitespace: true, message: t('field.nameRequired') }]}><Input maxLength={60} /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('field.nameEn')} name="nameEn" rules={[{ required: true, whitespace: true, message: t('field.nameRequired') }]}><Input maxLength={80} lang="en" /></Form.Item>
        </Col>
      </Row>
    </Form>
  );
}

/** The rule being built, its count a moment after the last edit, and saving it as a dynamic segment. */
function SegmentBuilder({ onDone }: { onDone(saved: Segment | null): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const { message } = App.useApp();
  const defs = useLoad(() => api.features(), []);
  const [root, setRoot] = useState<Group>(() => newGroup([newCond()]));
  const [count, setCount] = useState<{ n?: number; error?: ApiError; pending: boolean }>({ pending: true });
  const [saving, setSaving] = useState(false);
  const [names] = Form.useForm<Names>();
  const built = useMemo(() => (defs.data ? toRule(root, defs.data.items) : undefined), [root, defs.data]);
  const ruleKey = built ? JSON.stringify(built.rule) : '';

  useEffect(() => {
    if (!built) return;
    let live = true;
    setCount((c) => ({ ...c, pending: true }));
    const timer = setTimeout(() => {
      api.count(built.rule).then(
        (r) => live && setCount({ n: r.count, pending: false }),
        (e: unknown) => live && setCount({ error: toApiError(e), pending: false }),
      );
    }, DEBOUNCE_MS);
    return () => { live = false; clearTimeout(timer); };
    // The rule's JSON is the dependency: a new tree with the same rule needs no new count.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ruleKey, api]);

  const ruleError = count.error?.code === 'SEGMENT_RULE_INVALID' ? count.error : undefined;
  const errorAt = ruleError && built ? (() => {
    const id = nodeAt(built.paths, String(ruleError.problem.body.path ?? ''));
    return id === undefined ? undefined : { id, text: errorText(ruleError, i18n) };
  })() : undefined;

  const save = async () => {
    if (!built) return;
    const v = await names.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      const s = await api.createSegment(v.nameZh.trim(), v.nameEn.trim(), built.rule);
      message.success(t('mkt.segments.created', { name: i18n.pick(s.names), n: s.size }));
      onDone(s);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'SEGMENT_RULE_INVALID') setCount({ error: err, pending: false });
      message.error(errorText(err, i18n));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title={t('mkt.segments.new')} style={{ marginBottom: 16 }} data-testid="segment-builder">
      {defs.error && <ErrorAlert error={defs.error} onRetry={defs.reload} />}
      <NameFields form={names} />
      <Flex gap={16} wrap align="flex-start">
        <div style={{ flex: '1 1 560px', minWidth: 0 }}>
          {defs.data && <RuleBuilder root={root} defs={defs.data.items} onChange={setRoot} errorAt={errorAt} />}
        </div>
        <Card size="small" style={{ flex: '0 0 220px' }}>
          <Statistic
            title={t('mkt.segments.liveCount')} value={count.n === undefined || count.error ? '—' : count.n.toLocaleString()}
            loading={count.pending && count.n === undefined && !count.error}
          />
          <div aria-live="polite" data-testid="live-count">
            {count.error ? t('mkt.segments.countFailed') : count.n === undefined ? t('common.loading') : t('mkt.segments.countIs', { n: count.n.toLocaleString() })}
          </div>
        </Card>
      </Flex>
      {count.error && !errorAt && <div style={{ marginTop: 12 }}><ErrorAlert error={count.error} /></div>}
      <Flex justify="flex-end" gap={8} style={{ marginTop: 16 }}>
        <Button onClick={() => onDone(null)}>{t('common.cancel')}</Button>
        <Button type="primary" loading={saving} disabled={!!count.error} onClick={save}>{t('mkt.segments.save')}</Button>
      </Flex>
    </Card>
  );
}

/** A CSV of numbers (one a line, or the first column) as a static segment, and what it could not use. */
function ImportDialog({ open, onClose }: { open: boolean; onClose(done: boolean): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const [names] = Form.useForm<Names>();
  const [csv, setCsv] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportAnswer>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (open) { setCsv(''); setResult(undefined); setError(undefined); }
  }, [open]);

  const run = async () => {
    if (result) return onClose(true);
    const v = await names.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.importList(v.nameZh.trim(), v.nameEn.trim(), csv));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open} title={t('mkt.segments.importTitle')} width={640} okText={result ? t('common.close') : t('mkt.segments.import')} cancelText={t('common.cancel')}
      onOk={run} onCancel={() => onClose(!!result)} confirmLoading={busy} destroyOnHidden forceRender
    >
      {!result && <NameFields form={names} />}
      {!result && (
        <Form layout="vertical">
          <Form.Item label={t('mkt.segments.csvFile')}>
            <input
              type="file" accept=".csv,.txt,text/csv,text/plain" aria-label={t('mkt.segments.csvFile')}
              onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then(setCsv); }}
            />
          </Form.Item>
          <Form.Item label={t('mkt.segments.csv')}>
            <Input.TextArea rows={6} value={csv} onChange={(e) => setCsv(e.target.value)} placeholder="13800000001&#10;13800000002" />
          </Form.Item>
        </Form>
      )}
      {error && <ErrorAlert error={error} />}
      {result && (
        <div data-testid="import-result">
          <Typography.Paragraph>
            {t('mkt.segments.imported', { name: i18n.pick(result.segment.names), n: result.segment.size, bad: result.rejectedCount })}
          </Typography.Paragraph>
          {result.rejected.length > 0 && (
            <Table
              size="small" rowKey="line" pagination={{ pageSize: 10, hideOnSinglePage: true }} dataSource={result.rejected}
              columns={[
                { title: t('mkt.segments.line'), dataIndex: 'line' },
                { title: t('mkt.segments.text'), dataIndex: 'text' },
                { title: t('common.reason'), dataIndex: 'reason', render: (r: string) => codeName(i18n, 'importReason', r) },
              ]}
            />
          )}
        </div>
      )}
    </Modal>
  );
}
