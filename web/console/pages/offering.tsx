// One offering: everything about it, its lifecycle as steps and its history as a timeline, its
// channels (withdraw at once with a reason; launching opens a review), its test numbers, and the
// actions its status allows: edit (If-Match on its revision), submit for review, move on.
import { useState } from 'react';
import {
  Alert, App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Flex, Form, Input, Modal, Row, Space, Steps, Switch, Table, Tag, Timeline, Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { formatBeijing, formatData, normaliseMsisdn } from '../../shared/format.ts';
import { useRouter } from '../../shared/router.tsx';
import { toApiError, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { CHANNELS, type Channel, type LifecycleStatus, type NewOffering, type Offering, type Review, type SubmitInput } from '../types.ts';
import { ErrorAlert, errorText, PageTitle, StatusTag, ToneTag, useLoad } from '../ui.tsx';
import { OfferingForm } from './offering-form.tsx';
import { describeReview } from './reviews.tsx';

const PATH = ['In study', 'In design', 'In test', 'Launched', 'Retired', 'Obsolete'] as const;

/** The steps' current index and state: Rejected marks the step it was refused at as failed. */
function stepsOf(o: Offering): { current: number; status: 'process' | 'finish' | 'error' } {
  if (o.lifecycleStatus === 'Rejected') {
    const before = [...o.history].reverse().find((h) => h.to === 'Rejected')?.from ?? 'In design';
    return { current: Math.min(PATH.indexOf(before as (typeof PATH)[number]) + 1, PATH.length - 1), status: 'error' };
  }
  const i = PATH.indexOf(o.lifecycleStatus as (typeof PATH)[number]);
  return { current: Math.max(i, 0), status: o.lifecycleStatus === 'Obsolete' ? 'finish' : 'process' };
}

/** Steps that need no review, by status (docs/console-api.md: to In design / In study / Retired / Obsolete). */
const MOVES: Partial<Record<string, LifecycleStatus[]>> = {
  'In study': ['In design'],
  'In design': ['In study'],
  'In test': ['In design'],
  Launched: ['Retired'],
  Retired: ['Obsolete'],
  Rejected: ['In design'],
};

type Dialog =
  | { kind: 'edit' }
  | { kind: 'submit'; to: SubmitInput['to'] }
  | { kind: 'channel'; channel: Channel; launched: boolean }
  | { kind: 'move'; to: LifecycleStatus };

export default function OfferingPage({ id }: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, can } = useAuth();
  const { navigate } = useRouter();
  const { message } = App.useApp();
  const writer = can('product');
  const loaded = useLoad(() => client.offering(id), [id]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason?: string; channels?: Channel[]; launchOn?: Dayjs | null }>();
  const [numbers, setNumbers] = useState<string | null>(null);
  const [numbersProblem, setNumbersProblem] = useState<string | null>(null);

  const o = loaded.data?.data;
  const etag = loaded.data?.etag ?? null;

  const failed = (e: unknown) => {
    const err: ApiError = toApiError(e);
    if (err.code === 'CONFLICT') {
      message.error(t('offering.conflict'));
      setDialog(null);
      loaded.reload();
    } else if (err.code === 'NOT_EDITABLE') {
      message.error(err.problem.messages ? i18n.pick(err.problem.messages) : t('offering.notEditable'));
    } else if (err.code === 'INCOMPLETE') {
      message.error(err.problem.messages ? i18n.pick(err.problem.messages) : t('offering.incomplete'));
    } else {
      message.error(errorText(err, i18n));
    }
  };

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      setDialog(null);
      loaded.reload();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  if (loaded.error && !o) return <><PageTitle title={t('offerings.title')} /><ErrorAlert error={loaded.error} onRetry={loaded.reload} /></>;
  if (!o) return <Card loading />;

  const save = (input: NewOffering) => act(async () => {
    await client.updateOffering(o.id, etag ?? `"${o.revision}"`, input);
    message.success(t('offering.saved'));
  });

  const confirmDialog = async () => {
    if (!dialog || dialog.kind === 'edit') return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const reason = v.reason?.trim() || undefined;
    if (dialog.kind === 'submit') {
      await act(async () => {
        await client.submit(o.id, {
          to: dialog.to, reason,
          ...(dialog.to === 'Launched' ? { channels: v.channels ?? [], launchOn: v.launchOn ? v.launchOn.format('YYYY-MM-DD') : undefined } : {}),
        });
        message.success(t('offering.submitted'));
      });
    } else if (dialog.kind === 'channel') {
      const name = i18n.channel(dialog.channel);
      await act(async () => {
        const r = await client.setOfferingChannel(o.id, dialog.channel, dialog.launched, reason ?? '');
        message.success(r.review ? t('offering.launchRequested', { channel: name }) : t('offering.withdrawn', { channel: name }));
      });
    } else if (dialog.kind === 'move') {
      await act(async () => {
        await client.transition(o.id, dialog.to, reason);
        message.success(t('offering.transitioned', { status: i18n.status(dialog.to) }));
      });
    }
  };

  const saveNumbers = () => {
    const typed = (numbers ?? '').split(/[\n,，;；]+/).map((s) => s.trim()).filter(Boolean);
    const bad = typed.filter((s) => !normaliseMsisdn(s));
    if (bad.length) {
      setNumbersProblem(t('offering.testNumbersInvalid', { list: bad.join('、') }));
      return;
    }
    setNumbersProblem(null);
    const msisdns = [...new Set(typed.map((s) => normaliseMsisdn(s)!))];
    void act(async () => {
      await client.setTestNumbers(o.id, msisdns);
      setNumbers(null);
      message.success(t('offering.testNumbersSaved'));
    });
  };

  const channelChange = (detail: unknown) => {
    const d = (typeof detail === 'object' && detail !== null ? detail : {}) as { launched?: unknown; withdrawn?: unknown };
    const names = (v: unknown) => (Array.isArray(v) ? v.map((c) => i18n.channel(String(c))).join('、') : '');
    return (
      <>
        {names(d.launched) && <div>{t('history.launched', { channels: names(d.launched) })}</div>}
        {names(d.withdrawn) && <div>{t('history.withdrawn', { channels: names(d.withdrawn) })}</div>}
      </>
    );
  };

  const steps = stepsOf(o);
  const pending = o.reviews.find((r) => r.status === 'pending');
  const allowance = [
    o.dataMb ? `${t('field.dataMb').replace(/[（(].*$/, '')} ${formatData(o.dataMb)}` : null,
    o.voiceMin ? `${t('field.voiceMin').replace(/[（(].*$/, '')} ${o.voiceMin}` : null,
    o.sms ? `${t('field.sms').replace(/[（(].*$/, '')} ${o.sms}` : null,
  ].filter(Boolean).join(' · ') || '—';
  const elig = o.eligibility ?? {};
  // The answer types eligibility as an open record: its lists are read as what an edit sends.
  const list = (xs: unknown) => (Array.isArray(xs) && xs.length ? xs.join('、') : t('offering.anyone'));

  const actions = writer && (
    <Space wrap>
      <Button onClick={() => setDialog({ kind: 'edit' })}>{t('offering.edit')}</Button>
      {o.lifecycleStatus === 'In design' && (
        <Button type="primary" disabled={!!pending} onClick={() => { form.resetFields(); setDialog({ kind: 'submit', to: 'In test' }); }}>{t('offering.submitTest')}</Button>
      )}
      {o.lifecycleStatus === 'In test' && (
        <Button type="primary" disabled={!!pending} onClick={() => { form.resetFields(); setDialog({ kind: 'submit', to: 'Launched' }); }}>{t('offering.submitLaunch')}</Button>
      )}
      {(MOVES[o.lifecycleStatus] ?? []).map((to) => (
        <Button key={to} onClick={() => { form.resetFields(); setDialog({ kind: 'move', to }); }}>{t('offering.transition', { status: i18n.status(to) })}</Button>
      ))}
    </Space>
  );

  const dialogTitle = !dialog ? '' : dialog.kind === 'submit'
    ? (dialog.to === 'In test' ? t('offering.submitTestTitle') : t('offering.submitLaunchTitle'))
    : dialog.kind === 'channel'
      ? (dialog.launched ? t('offering.launchTitle', { channel: i18n.channel(dialog.channel) }) : t('offering.withdrawTitle', { channel: i18n.channel(dialog.channel) }))
      : dialog.kind === 'move' ? t('offering.transitionTitle', { status: i18n.status(dialog.to) }) : '';
  const reasonRequired = dialog?.kind === 'channel' && !dialog.launched;

  return (
    <>
      <PageTitle
        title={i18n.name(o)}
        extra={<Space><span data-testid="offering-status"><StatusTag status={o.lifecycleStatus} /></span><Button onClick={() => navigate('/offerings')}>{t('nav.offerings')}</Button></Space>}
      />
      {pending && <Alert type="warning" showIcon title={`${t('offering.pendingReview')} ${describeReview(pending, i18n)}`} style={{ marginBottom: 16 }} />}
      {loaded.error && <ErrorAlert error={loaded.error} onRetry={loaded.reload} />}
      <Flex justify="flex-end" style={{ marginBottom: 16 }}>{actions}</Flex>

      <Card title={<h2 className="card-title">{t('offering.lifecycle')}</h2>} style={{ marginBottom: 16 }}>
        <Steps
          size="small" current={steps.current} status={steps.status} responsive data-testid="lifecycle"
          items={PATH.map((s, i) => ({ title: steps.status === 'error' && i === steps.current ? i18n.status('Rejected') : i18n.status(s) }))}
        />
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={<h2 className="card-title">{t('offering.basics')}</h2>}>
            <Descriptions
              column={{ xs: 1, md: 2 }} size="small" bordered data-testid="offering-details"
              items={[
                { key: 'nameZh', label: t('field.nameZh'), children: o.nameZh },
                { key: 'nameEn', label: t('field.nameEn'), children: o.nameEn || '—' },
                { key: 'code', label: t('field.code'), children: o.code || '—' },
                { key: 'kind', label: t('field.kind'), children: i18n.kind(o.kind) },
                { key: 'price', label: t('offerings.price'), children: i18n.price(o.priceFen, o.priceType) },
                { key: 'validity', label: t('field.validityDays'), children: o.validityDays ?? '—' },
                { key: 'allowances', label: t('field.allowances'), children: allowance, span: 2 },
                { key: 'descriptionZh', label: t('field.descriptionZh'), children: o.descriptionZh || '—', span: 2 },
                { key: 'descriptionEn', label: t('field.descriptionEn'), children: o.descriptionEn || '—', span: 2 },
                { key: 'plans', label: `${t('offering.eligibility')} · ${t('offering.eligPlans')}`, children: list(elig.plans) },
                { key: 'accountTypes', label: `${t('offering.eligibility')} · ${t('offering.eligAccountTypes')}`, children: list(elig.accountTypes) },
                { key: 'statuses', label: `${t('offering.eligibility')} · ${t('offering.eligStatuses')}`, children: list(elig.statuses) },
                { key: 'launchAt', label: t('offering.launchAt'), children: o.launchAt ? formatBeijing(o.launchAt) : '—' },
                { key: 'retireAt', label: t('offering.retireAt'), children: o.retireAt ? formatBeijing(o.retireAt) : '—' },
                { key: 'id', label: t('offering.id'), children: <Typography.Text code>{o.id}</Typography.Text> },
                { key: 'revision', label: t('offering.revision'), children: o.revision },
                { key: 'lastUpdate', label: t('offerings.updated'), children: formatBeijing(o.lastUpdate) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={<h2 className="card-title">{t('offering.channels')}</h2>} style={{ marginBottom: 16 }}>
            <ul className="channel-list" data-testid="offering-channels">
              {CHANNELS.map((c) => {
                const on = o.channels.includes(c);
                return (
                  <li key={c}>
                    <span id={`ch-${c}`}>{i18n.channel(c)}</span>
                    <Switch
                      checked={on} disabled={!writer} aria-label={t('offering.channelSwitch', { channel: i18n.channel(c) })}
                      onChange={() => { form.resetFields(); setDialog({ kind: 'channel', channel: c, launched: !on }); }}
                    />
                  </li>
                );
              })}
            </ul>
          </Card>
          <Card title={<h2 className="card-title">{t('offering.testNumbers')}</h2>}>
            {numbers === null ? (
              <>
                {o.testNumbers.length ? <Space wrap>{o.testNumbers.map((n) => <Tag key={n}>{n}</Tag>)}</Space> : <Typography.Text type="secondary">{t('common.none')}</Typography.Text>}
                {writer && <div style={{ marginTop: 12 }}><Button size="small" onClick={() => setNumbers(o.testNumbers.join('\n'))}>{t('offering.edit')}</Button></div>}
              </>
            ) : (
              <Form layout="vertical">
                <Form.Item label={t('offering.testNumbers')} extra={t('offering.testNumbersHint')} validateStatus={numbersProblem ? 'error' : undefined} help={numbersProblem ?? undefined}>
                  <Input.TextArea rows={4} value={numbers} onChange={(e) => setNumbers(e.target.value)} />
                </Form.Item>
                <Space>
                  <Button type="primary" size="small" loading={busy} onClick={saveNumbers}>{t('common.save')}</Button>
                  <Button size="small" onClick={() => { setNumbers(null); setNumbersProblem(null); }}>{t('common.cancel')}</Button>
                </Space>
              </Form>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<h2 className="card-title">{t('offering.history')}</h2>}>
            {o.history.length === 0 ? <Empty description={t('offering.noHistory')} /> : (
              <Timeline
                data-testid="history"
                items={[...o.history].reverse().map((h, i) => ({
                  key: i,
                  color: h.to === 'Rejected' ? 'red' : h.to === 'Launched' ? 'green' : h.to ? 'blue' : 'gray',
                  title: h.to ? `${h.from ? `${i18n.status(h.from)} → ` : ''}${i18n.status(h.to)}` : i18n.historyKind(h.kind),
                  content: (
                    <>
                      <div>{t('offering.historyBy', { name: h.actorName || '—', at: formatBeijing(h.at) })}</div>
                      {channelChange(h.detail)}
                      {h.reason && <Typography.Text type="secondary">{h.reason}</Typography.Text>}
                    </>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<h2 className="card-title">{t('offering.reviews')}</h2>}>
            <Table<Review>
              size="small" rowKey="id" pagination={false} dataSource={o.reviews} scroll={{ x: 'max-content' }}
              columns={[
                { title: t('reviews.request'), key: 'what', render: (_v, r) => describeReview(r, i18n) },
                { title: t('reviews.requestedBy'), key: 'by', render: (_v, r) => `${r.requestedBy.name} · ${formatBeijing(r.requestedAt)}` },
                { title: t('offerings.status'), dataIndex: 'status', render: (s: Review['status']) => <ToneTag tone={s === 'approved' ? 'green' : s === 'rejected' ? 'red' : 'gold'}>{s === 'pending' ? t('reviews.tabPending') : s === 'approved' ? t('reviews.approved') : t('reviews.rejected')}</ToneTag> },
              ]}
            />
          </Card>
        </Col>
      </Row>

      {writer && <OfferingForm open={dialog?.kind === 'edit'} offering={o} busy={busy} onSave={save} onCancel={() => setDialog(null)} />}
      <Modal
        open={!!dialog && dialog.kind !== 'edit'} title={dialogTitle} okText={t('common.ok')} cancelText={t('common.cancel')}
        okButtonProps={{ danger: reasonRequired }} onOk={confirmDialog} onCancel={() => setDialog(null)} confirmLoading={busy} destroyOnHidden
      >
        {dialog?.kind === 'channel' && <Typography.Paragraph>{dialog.launched ? t('offering.launchText') : t('offering.withdrawText')}</Typography.Paragraph>}
        <Form form={form} layout="vertical" requiredMark={false} preserve={false} name="offering-action">
          {dialog?.kind === 'submit' && dialog.to === 'Launched' && (
            <>
              <Form.Item label={t('offering.launchChannels')} name="channels" rules={[{ required: true, type: 'array', min: 1, message: t('offering.chooseChannel') }]}>
                <Checkbox.Group options={CHANNELS.map((c) => ({ value: c, label: i18n.channel(c) }))} />
              </Form.Item>
              <Form.Item label={t('offering.launchOn')} name="launchOn">
                <DatePicker format="YYYY-MM-DD" />
              </Form.Item>
            </>
          )}
          <Form.Item label={t('common.reason')} name="reason" rules={reasonRequired ? [{ required: true, whitespace: true, message: t('common.reasonRequired') }] : []}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
