// 接触策略: the contact policy in force (caps per day, week and month in total and per channel, the
// least gap, quiet hours) and its versions; a new version proposed here goes live only when a
// second person approves it. One number's contacts with what the policy decided, and recording
// an opt-out or a do-not-disturb entry for it, where it stands (its opt-outs, its do-not-disturb
// entry, this day's, week's and month's marketing contacts beside the caps); the latest suppressed
// contacts with their rule.
import { useState } from 'react';
import { App, Button, Card, Col, Descriptions, Flex, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing } from '../../shared/format.ts';
import { toApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { OUTBOUND, useMarketing, type ContactRow, type ContactState, type OptOutChannel, type PolicyRules, type PolicyVersion } from '../marketing-api.ts';
import { useStaffStep, codeName, NumberSearch } from '../marketing-ui.tsx';
import { ErrorAlert, errorText, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

const SCOPES = ['total', ...OUTBOUND] as const;
const PERIODS = ['day', 'week', 'month'] as const;
const POLICY_TONES: Record<string, Tone> = { pending: 'gold', active: 'green', superseded: 'grey', rejected: 'red' };
const CONTACT_TONES: Record<string, Tone> = { sent: 'green', held: 'gold', suppressed: 'red', released: 'blue' };

function capOf(p: PolicyRules, scope: (typeof SCOPES)[number]) {
  return scope === 'total' ? p.total : p.channels[scope];
}

export default function MarketingContactsPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState('policy');
  return (
    <>
      <PageTitle title={t('mkt.contacts.title')} />
      <Tabs
        activeKey={tab} onChange={setTab}
        items={[
          { key: 'policy', label: t('mkt.contacts.tabPolicy'), children: <PolicyTab /> },
          { key: 'number', label: t('mkt.contacts.tabNumber'), children: <NumberTab /> },
          { key: 'suppressed', label: t('mkt.contacts.tabSuppressed'), children: <ContactsTable status="suppressed" /> },
        ]}
      />
    </>
  );
}

function PolicyView({ p }: { p: PolicyRules }) {
  const i18n = useI18n();
  const { t } = i18n;
  const scopeName = (s: (typeof SCOPES)[number]) => (s === 'total' ? t('mkt.contacts.total') : codeName(i18n, 'outbound', s));
  return (
    <>
      <Table
        size="small" rowKey="scope" pagination={false} style={{ marginBottom: 12 }}
        dataSource={SCOPES.map((s) => ({ scope: s, ...capOf(p, s) }))}
        columns={[
          { title: t('mkt.contacts.scope'), dataIndex: 'scope', render: (s: (typeof SCOPES)[number]) => scopeName(s) },
          ...PERIODS.map((k) => ({ title: t(`mkt.contacts.${k}`), dataIndex: k, align: 'right' as const })),
        ]}
      />
      <Descriptions
        size="small" column={{ xs: 1, md: 2 }}
        items={[
          { key: 'gap', label: t('mkt.contacts.minGap'), children: t('mkt.contacts.minutes', { n: p.minGapMinutes }) },
          { key: 'quiet', label: t('mkt.contacts.quiet'), children: p.quietHours ? `${p.quietHours.start} – ${p.quietHours.end}` : t('common.none') },
        ]}
      />
    </>
  );
}

function PolicyTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const { session } = useAuth();
  const me = session!.user.id;
  const data = useLoad(() => api.policy(), []);
  const [proposing, setProposing] = useState(false);
  const [rejecting, setRejecting] = useState<PolicyVersion | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();

  const { busy, act } = useStaffStep(t('mkt.contacts.self'), () => data.reload());

  const columns: ColumnsType<PolicyVersion & { policy: PolicyRules }> = [
    { title: t('mkt.contacts.version'), dataIndex: 'id' },
    { title: t('mkt.offers.status'), dataIndex: 'status', render: (s: string) => <ToneTag tone={POLICY_TONES[s] ?? 'grey'}>{codeName(i18n, 'policyStatus', s)}</ToneTag> },
    { title: t('mkt.contacts.proposedAt'), dataIndex: 'proposedAt', render: (v: string) => formatBeijing(v) },
    {
      title: t('mkt.contacts.summary'), key: 'summary',
      render: (_v, v) => t('mkt.contacts.summaryText', { day: v.policy.total.day, week: v.policy.total.week, month: v.policy.total.month, gap: v.policy.minGapMinutes }),
    },
    { title: t('mkt.contacts.reviewedAt'), key: 'reviewed', render: (_v, v) => (v.reviewedAt ? `${formatBeijing(v.reviewedAt)}${v.reason ? ` · ${v.reason}` : ''}` : '—') },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, v) => {
        if (v.status !== 'pending') return null;
        if (v.proposedBy === me) return <Typography.Text type="secondary">{t('mkt.contacts.selfNote')}</Typography.Text>;
        return (
          <Space>
            <Button size="small" type="primary" loading={busy} onClick={() => void act(() => api.approvePolicy(v.id), t('mkt.contacts.approved'))}>{t('mkt.offers.approve')}</Button>
            <Button size="small" danger onClick={() => { reasonForm.resetFields(); setRejecting(v); }}>{t('mkt.offers.reject')}</Button>
          </Space>
        );
      },
    },
  ];

  return (
    <>
      {data.error && <ErrorAlert error={data.error} onRetry={data.reload} />}
      {data.data && (
        <Card
          size="small" title={t('mkt.contacts.current')} style={{ marginBottom: 16 }}
          extra={<Button type="primary" onClick={() => setProposing(true)}>{t('mkt.contacts.propose')}</Button>}
        >
          <PolicyView p={data.data.rules} />
        </Card>
      )}
      <Typography.Title level={2} style={{ fontSize: 16 }}>{t('mkt.contacts.versions')}</Typography.Title>
      <Table
        rowKey="id" columns={columns} dataSource={data.data?.versions ?? []} loading={data.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 10, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.contacts.noVersions') }} data-testid="policy-versions"
      />
      {data.data && (
        <ProposeDialog
          open={proposing} start={data.data.rules} busy={busy} onCancel={() => setProposing(false)}
          onSave={(p) => void act(() => api.propose(p), t('mkt.contacts.proposed')).then((ok) => ok && setProposing(false))}
        />
      )}
      <Modal
        open={rejecting !== null} title={t('mkt.contacts.rejectTitle')} okText={t('mkt.offers.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}
        confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          const v = await reasonForm.validateFields().catch(() => null);
          if (!v) return;
          const { reason } = v;
          if (rejecting && await act(() => api.rejectPolicy(rejecting.id, reason.trim()), t('mkt.contacts.rejected'))) setRejecting(null);
        }}
      >
        <Form form={reasonForm} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('reviews.rejectReason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

type PolicyValues = Record<`${(typeof SCOPES)[number]}.${(typeof PERIODS)[number]}`, number> & { minGapMinutes: number; quiet: boolean; quietStart: string; quietEnd: string };

function ProposeDialog({ open, start, busy, onSave, onCancel }: { open: boolean; start: PolicyRules; busy: boolean; onSave(p: PolicyRules): void; onCancel(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<PolicyValues>();
  const initial = {
    ...Object.fromEntries(SCOPES.flatMap((s) => PERIODS.map((k) => [`${s}.${k}`, capOf(start, s)[k]]))),
    minGapMinutes: start.minGapMinutes, quiet: start.quietHours !== null, quietStart: start.quietHours?.start ?? '21:00', quietEnd: start.quietHours?.end ?? '08:00',
  } as PolicyValues;
  const quiet = Form.useWatch('quiet', form);
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const cap = (s: (typeof SCOPES)[number]) => ({ day: v[`${s}.day`], week: v[`${s}.week`], month: v[`${s}.month`] });
    onSave({
      total: cap('total'),
      channels: Object.fromEntries(OUTBOUND.map((c) => [c, cap(c)])) as PolicyRules['channels'],
      minGapMinutes: v.minGapMinutes,
      quietHours: v.quiet ? { start: v.quietStart.trim(), end: v.quietEnd.trim() } : null,
    });
  };
  const hhmm = { pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('mkt.contacts.hhmm') };
  return (
    <Modal
      open={open} title={t('mkt.contacts.proposeTitle')} width={720} okText={t('mkt.contacts.proposeSubmit')} cancelText={t('common.cancel')}
      onOk={save} onCancel={onCancel} confirmLoading={busy} destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('mkt.contacts.proposeIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={initial} preserve={false} name="policy">
        {SCOPES.map((s) => (
          <Row key={s} gutter={12}>
            {PERIODS.map((k) => (
              <Col key={k} xs={8}>
                <Form.Item label={`${s === 'total' ? t('mkt.contacts.total') : codeName(i18n, 'outbound', s)} · ${t(`mkt.contacts.${k}`)}`} name={`${s}.${k}`} rules={[{ required: true, message: t('staff.required') }]}>
                  <InputNumber min={0} max={2000} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            ))}
          </Row>
        ))}
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item label={t('mkt.contacts.minGapMinutes')} name="minGapMinutes" rules={[{ required: true, message: t('staff.required') }]}>
              <InputNumber min={0} max={10080} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={4}>
            <Form.Item label={t('mkt.contacts.quiet')} name="quiet" valuePropName="checked"><Switch /></Form.Item>
          </Col>
          {quiet && (
            <>
              <Col xs={12} md={6}><Form.Item label={t('mkt.contacts.quietStart')} name="quietStart" rules={[hhmm]}><Input placeholder="21:00" /></Form.Item></Col>
              <Col xs={12} md={6}><Form.Item label={t('mkt.contacts.quietEnd')} name="quietEnd" rules={[hhmm]}><Input placeholder="08:00" /></Form.Item></Col>
            </>
          )}
        </Row>
      </Form>
    </Modal>
  );
}

function ContactsTable({ status, msisdn }: { status?: 'held' | 'suppressed'; msisdn?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const list = useLoad(() => api.contacts({ status, msisdn, limit: 100 }), [status, msisdn]);
  const columns: ColumnsType<ContactRow> = [
    { title: t('mkt.contacts.at'), dataIndex: 'at', render: (v: string) => formatBeijing(v) },
    { title: t('mkt.contacts.channel'), dataIndex: 'channel', render: (c: string) => codeName(i18n, 'outbound', c) },
    { title: t('mkt.contacts.kind'), dataIndex: 'kind', render: (k: string) => codeName(i18n, 'contactKind', k) },
    { title: t('mkt.contacts.purpose'), dataIndex: 'purpose' },
    { title: t('mkt.offers.status'), dataIndex: 'status', render: (s: string) => <ToneTag tone={CONTACT_TONES[s] ?? 'grey'}>{codeName(i18n, 'contactStatus', s)}</ToneTag> },
    { title: t('mkt.contacts.rule'), dataIndex: 'rule', render: (r: string | null) => (r ? codeName(i18n, 'rule', r) : '—') },
    { title: t('mkt.contacts.releaseAt'), dataIndex: 'releaseAt', render: (v: string | null) => (v ? formatBeijing(v) : '—'), responsive: ['lg'] },
  ];
  return (
    <>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<ContactRow>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.contacts.noContacts') }} data-testid={`contacts-${status ?? 'all'}`}
      />
    </>
  );
}

/** Where one number stands with the contact policy: opt-outs, do-not-disturb, contacts used against the caps this Beijing day, week and month. */
function ContactStateCard({ msisdn }: { msisdn: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const state = useLoad(() => api.contactState(msisdn), [msisdn]);
  const st: ContactState | undefined = state.data;
  const channelName = (c: string) => (c === 'all' ? t('mkt.contacts.allChannels') : codeName(i18n, 'outbound', c));
  return (
    <Card size="small" title={t('mkt.state.title', { msisdn: st?.msisdn ?? msisdn })} style={{ marginBottom: 16 }} loading={state.loading && !st} data-testid="contact-state">
      {state.error && <ErrorAlert error={state.error} onRetry={state.reload} />}
      {st && (
        <>
          <Descriptions size="small" column={1} items={[
            {
              key: 'optOuts', label: t('mkt.state.optOuts'),
              children: st.optOuts.length
                ? <Space wrap>{st.optOuts.map((o) => <ToneTag key={o.channel} tone="red">{t('mkt.state.optOutItem', { channel: channelName(o.channel), source: codeName(i18n, 'optOutSource', o.source), at: formatBeijing(o.at) })}</ToneTag>)}</Space>
                : t('mkt.state.noOptOut'),
            },
            {
              key: 'dnd', label: t('mkt.state.dnd'),
              children: st.dnd ? <ToneTag tone="red">{t('mkt.state.dndItem', { reason: st.dnd.reason, at: formatBeijing(st.dnd.at) })}</ToneTag> : t('mkt.state.notDnd'),
            },
          ]} />
          <Table
            size="small" rowKey="scope" pagination={false} style={{ marginTop: 8 }} aria-label={t('mkt.state.used')} data-testid="contact-state-used"
            dataSource={SCOPES.map((sc) => ({ scope: sc, used: sc === 'total' ? st.used.total : st.used.channels[sc], caps: sc === 'total' ? st.caps.total : st.caps.channels[sc] }))}
            columns={[
              { title: t('mkt.state.used'), dataIndex: 'scope', render: (sc: string) => (sc === 'total' ? t('mkt.contacts.total') : codeName(i18n, 'outbound', sc)) },
              ...PERIODS.map((k) => ({
                title: t(`mkt.state.${k}`), key: k, align: 'right' as const,
                render: (_v: unknown, r: { used?: Record<string, number>; caps?: Record<string, number> }) => {
                  const used = r.used?.[k] ?? 0;
                  const cap = r.caps?.[k];
                  return <Typography.Text type={cap !== undefined && used >= cap ? 'danger' : undefined}>{cap === undefined ? used : `${used} / ${cap}`}</Typography.Text>;
                },
              })),
            ]}
          />
        </>
      )}
    </Card>
  );
}

function NumberTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const { message } = App.useApp();
  const [msisdn, setMsisdn] = useState<string>();
  const [dnd, setDnd] = useState<'add' | 'remove' | null>(null);
  const [channel, setChannel] = useState<OptOutChannel>('all');
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const [version, setVersion] = useState(0);

  const act = async (f: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await f();
      message.success(done);
      setVersion((n) => n + 1);
      return true;
    } catch (e) {
      message.error(errorText(toApiError(e), i18n));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <NumberSearch label={t('mkt.msisdn')} onSearch={setMsisdn} />
      </Flex>
      {msisdn && (
        <>
          <ContactStateCard key={`state-${msisdn}-${version}`} msisdn={msisdn} />
          <Card size="small" title={t('mkt.contacts.record', { msisdn })} style={{ marginBottom: 16 }}>
            <Flex wrap gap={12} align="center">
              <Select
                aria-label={t('mkt.contacts.optOutChannel')} style={{ width: 180 }} value={channel} onChange={(c: OptOutChannel) => setChannel(c)}
                options={(['all', ...OUTBOUND] as const).map((c) => ({ value: c, label: c === 'all' ? t('mkt.contacts.allChannels') : codeName(i18n, 'outbound', c) }))}
              />
              <Button loading={busy} onClick={() => void act(() => api.optOut(msisdn, channel), t('mkt.contacts.optedOut', { msisdn }))}>{t('mkt.contacts.optOut')}</Button>
              <Button onClick={() => { form.resetFields(); setDnd('add'); }}>{t('mkt.contacts.dndAdd')}</Button>
              <Button onClick={() => { form.resetFields(); setDnd('remove'); }}>{t('mkt.contacts.dndRemove')}</Button>
            </Flex>
          </Card>
          <ContactsTable key={`${msisdn}-${version}`} msisdn={msisdn} />
        </>
      )}
      <Modal
        open={dnd !== null} title={dnd === 'remove' ? t('mkt.contacts.dndRemove') : t('mkt.contacts.dndAdd')} okText={t('common.ok')} cancelText={t('common.cancel')}
        confirmLoading={busy} destroyOnHidden onCancel={() => setDnd(null)}
        onOk={async () => {
          const v = await form.validateFields().catch(() => null);
          if (!v) return;
          const { reason } = v;
          if (!msisdn) return;
          const ok = dnd === 'remove'
            ? await act(() => api.removeDnd(msisdn, reason.trim()), t('mkt.contacts.dndRemoved', { msisdn }))
            : await act(() => api.addDnd(msisdn, reason.trim()), t('mkt.contacts.dndAdded', { msisdn }));
          if (ok) setDnd(null);
        }}
      >
        <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('common.reason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
