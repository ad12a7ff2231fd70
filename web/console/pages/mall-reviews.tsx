// 评价审核: the mall's reviews for a moderator (product or ops; one person decides, since
// moderation changes no price). Held reviews first (the sensitive-word check held them: the words
// are shown and marked in the text), then published or rejected ones by a filter; each with what it
// reviews, its stars, text, photos, 已购 and the masked writer. Approve, reject with the reason its
// writer sees (a published one is taken down so), reply as the operator (shown under it). One
// review at /console/mall/reviews/:id. docs/console-api.md, "Mall: reviews".
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { App, Button, Card, Empty, Flex, Form, Image, Input, Modal, Pagination, Rate, Select, Space, Spin, Tabs, Typography } from 'antd';
import { query, request } from '../../shared/api.ts';
import { Link } from '../../shared/router.tsx';
import type { L10n, QueryOf, ResponseOf } from '../../shared/types.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useMall } from '../mall-api.ts';
import { useStaffStep } from '../marketing-ui.tsx';
import { isMessageKey, type MessageKey } from '../messages.ts';
import { ErrorAlert, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

type C = '/api/v1/console/mall/reviews';
type Review = ResponseOf<`${C}/{id}`, 'get', 200>;
type ReviewQuery = QueryOf<C, 'get'>;
type State = Review['state'];
type Subject = Review['subject'];

const STATES = ['pending', 'published', 'rejected'] as const satisfies readonly State[];
const TONES: Record<State, Tone> = { pending: 'gold', published: 'green', rejected: 'red' };
const PAGE = 20;
/** What a photo shows while it cannot be loaded: a grey tile with a picture's outline. */
const PHOTO_FALLBACK = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72"><rect width="72" height="72" fill="#f0f0f0"/><path d="M20 50l12-14 9 10 6-7 9 11z" fill="#8c8c8c"/><circle cx="46" cy="26" r="5" fill="#8c8c8c"/></svg>')}`;
/** Read by a screen reader, not shown. */
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, margin: -1, padding: 0, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0 } as const;

function useReviews() {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  return useMemo(() => {
    const o = { lang, token: session?.token ?? null, onUnauthorized: () => end('expired') };
    const call = async <T,>(method: 'GET' | 'POST', path: string, body?: unknown) => (await request<T>(o, method, `/console/mall/reviews${path}`, body)).data;
    return {
      queue: (q: ReviewQuery) => call<ResponseOf<C, 'get', 200>>('GET', query({ ...q })),
      get: (id: number) => call<Review>('GET', `/${id}`),
      approve: (id: number) => call<Review>('POST', `/${id}/approve`, {}),
      reject: (id: number, reason: string) => call<Review>('POST', `/${id}/reject`, { reason }),
      reply: (id: number, text: string) => call<Review>('POST', `/${id}/reply`, { text }),
    };
  }, [lang, session?.token, end]);
}

/** What the reviews are of, by name: goods from the mall's products, offerings from the catalogue; read once each. */
function useSubjectNames(items: readonly Review[]): (r: Review) => string {
  const i18n = useI18n();
  const mall = useMall();
  const { client } = useAuth();
  const [names, setNames] = useState<Record<string, L10n>>({});
  const keyOf = (r: Review) => (r.subject === 'goods' ? `p:${r.productId}` : `o:${r.offeringId}`);
  const wanted = [...new Set(items.map(keyOf))].filter((k) => !(k in names)).sort().join(',');
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void Promise.all(wanted.split(',').map(async (k): Promise<[string, L10n] | null> => {
      try {
        if (k.startsWith('p:')) return [k, (await mall.product(Number(k.slice(2)))).names];
        const o = (await client.offering(k.slice(2))).data;
        return [k, { 'zh-CN': o.nameZh, en: o.nameEn || o.nameZh }];
      } catch {
        return null; // shown by its id
      }
    })).then((found) => {
      if (live) setNames((was) => ({ ...was, ...Object.fromEntries(found.filter((x) => x !== null)) }));
    });
    return () => {
      live = false;
    };
  }, [wanted, mall, client]);
  return (r) => {
    const n = names[keyOf(r)];
    if (n) return i18n.pick(n);
    return r.subject === 'goods' ? i18n.t('mall.reviews.goodsName', { id: r.productId ?? '' }) : i18n.t('mall.reviews.offeringName', { id: r.offeringId ?? '' });
  };
}

/** The text with each sensitive word found marked where it is (UTF-16 offsets, end exclusive). */
function MarkedText({ text, hits }: { text: string; hits: Review['hits'] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    if (h.start < at || h.end > text.length) continue;
    if (h.start > at) parts.push(text.slice(at, h.start));
    parts.push(<mark key={h.start} style={{ background: '#fff0a8', color: 'inherit', padding: '0 1px' }}>{text.slice(h.start, h.end)}</mark>);
    at = h.end;
  }
  parts.push(text.slice(at));
  return <Typography.Paragraph style={{ marginBottom: 8, whiteSpace: 'pre-wrap' }}>{parts}</Typography.Paragraph>;
}

interface Steps {
  busy: boolean;
  approve(r: Review): void;
  reject(r: Review): void;
  reply(r: Review): void;
}

/** One review as a moderator sees it, with the steps its state allows. */
function ReviewCard({ r, name, steps, detail }: { r: Review; name: string; steps: Steps; detail?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const category = (c: string) => {
    const k = `mall.reviews.category.${c}`;
    return isMessageKey(k) ? t(k) : c;
  };
  /** A button's name for a screen reader: which review it acts on (`驳回：移动电源`). */
  const label = (action: string) => `${action}${i18n.lang === 'zh-CN' ? '：' : ': '}${name}`;
  const subjectLink = r.subject === 'goods' ? `/mall/goods/${r.productId}` : `/offerings/${encodeURIComponent(r.offeringId ?? '')}`;
  return (
    <Card size="small" className="review-card" data-testid={`review-${r.id}`} aria-label={name} role="article">
      <Flex justify="space-between" align="start" wrap gap={8}>
        <Space direction="vertical" size={2}>
          <Space wrap size={8}>
            <Link to={subjectLink}><Typography.Text strong>{name}</Typography.Text></Link>
            <ToneTag tone={TONES[r.state]}>{t(`mall.reviews.state.${r.state}` as MessageKey)}</ToneTag>
            {r.verified && <ToneTag tone="blue">{t('mall.reviews.verified')}</ToneTag>}
          </Space>
          <Space wrap size={8}>
            {/* The stars are a picture of the rating, said once in words (read-only stars are radios to a screen reader). */}
            <span><Rate disabled value={r.rating} style={{ fontSize: 14 }} aria-hidden /><span style={VISUALLY_HIDDEN} data-testid="review-rating">{t('mall.reviews.rating', { n: r.rating })}</span></span>
            <Typography.Text type="secondary">{t('mall.reviews.author', { author: r.author })}</Typography.Text>
            <Typography.Text type="secondary">{t('mall.reviews.at', { at: r.createdAtLocal })}</Typography.Text>
            {r.helpfulCount > 0 && <Typography.Text type="secondary">{t('mall.reviews.helpful', { n: r.helpfulCount })}</Typography.Text>}
          </Space>
        </Space>
        <Space wrap>
          {r.state === 'pending' && <Button type="primary" size="small" loading={steps.busy} aria-label={label(t('mall.reviews.approve'))} onClick={() => steps.approve(r)}>{t('mall.reviews.approve')}</Button>}
          {r.state !== 'rejected' && (
            <Button danger size="small" aria-label={label(t(r.state === 'pending' ? 'mall.reviews.reject' : 'mall.reviews.takeDown'))} onClick={() => steps.reject(r)}>
              {t(r.state === 'pending' ? 'mall.reviews.reject' : 'mall.reviews.takeDown')}
            </Button>
          )}
          {r.state !== 'rejected' && (
            <Button size="small" aria-label={label(t(r.reply ? 'mall.reviews.editReply' : 'mall.reviews.doReply'))} onClick={() => steps.reply(r)}>
              {t(r.reply ? 'mall.reviews.editReply' : 'mall.reviews.doReply')}
            </Button>
          )}
          {!detail && <Link to={`/mall/reviews/${r.id}`} aria-label={label(t('mall.reviews.details'))}>{t('mall.reviews.details')}</Link>}
        </Space>
      </Flex>
      {r.hits.length > 0 && (
        <div className="tag-wrap" style={{ margin: '8px 0' }} data-testid="review-hits">
          <Typography.Text type="danger">{t('mall.reviews.hits')}</Typography.Text>
          {r.hits.map((h) => <ToneTag key={`${h.start}-${h.word}`} tone="red">{h.found === h.word ? h.word : `${h.word}（${h.found}）`} · {category(h.category)}</ToneTag>)}
        </div>
      )}
      <div style={{ marginTop: 8 }}>
        {r.text ? <MarkedText text={r.text} hits={r.hits} /> : <Typography.Paragraph type="secondary">{t('mall.reviews.noText')}</Typography.Paragraph>}
      </div>
      {r.photos.length > 0 && (
        // Each photo also opens at its own address: one the page may not load (another host) still can be seen.
        <Space wrap size={8} style={{ marginBottom: 8 }}>
          {r.photos.map((src, i) => (
            <a key={src} href={src} target="_blank" rel="noopener noreferrer" title={t('mall.reviews.openPhoto')}>
              <Image src={src} fallback={PHOTO_FALLBACK} preview={false} width={72} height={72} style={{ objectFit: 'cover', borderRadius: 4, border: '1px solid #d9d9d9' }} alt={t('mall.reviews.photo', { n: i + 1 })} />
            </a>
          ))}
        </Space>
      )}
      {r.state === 'rejected' && r.rejectReason && <Typography.Paragraph type="danger" style={{ marginBottom: 8 }}>{t('mall.reviews.rejectReason', { reason: r.rejectReason })}</Typography.Paragraph>}
      {r.reply && (
        <div data-testid="review-reply" style={{ background: '#f5f7fa', borderLeft: '3px solid #1677ff', padding: '6px 10px', borderRadius: 4 }}>
          <Typography.Text strong>{t('mall.reviews.replyAt', { at: r.reply.atLocal })}</Typography.Text>
          <div style={{ whiteSpace: 'pre-wrap' }}>{r.reply.text}</div>
        </div>
      )}
      {detail && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('mall.reviews.purchase')}：{r.purchaseRef}
          {r.orderId !== null && <> · <Link to={`/mall/orders/${r.orderId}`} style={{ textDecoration: 'underline' }}>{t('mall.reviews.order')} {r.orderId}</Link></>}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/** The approve, reject and reply steps with their dialogs; `done` reads the page's data again. */
function useSteps(done: () => void): { steps: Steps; dialogs: ReactNode } {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const api = useReviews();
  // Moderation is one person's (no SELF_REVIEW here). A refusal (REVIEW_NOT_IN_STATE when another
  // moderator got there first) is a toast in the staff member's language, and the page is read
  // again so it shows the review as it now stands.
  const staffStep = useStaffStep(t('mall.reviews.title'), done);
  const { busy } = staffStep;
  const act = async (f: () => Promise<unknown>, text: string) => {
    const ok = await staffStep.act(f, text);
    if (!ok) done();
    return ok;
  };
  const [rejecting, setRejecting] = useState<Review | null>(null);
  const [replying, setReplying] = useState<Review | null>(null);
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const [replyForm] = Form.useForm<{ text: string }>();
  const required = [{ required: true, whitespace: true, message: t('mall.reviews.required') }];
  const steps: Steps = {
    busy,
    approve: (r) => modal.confirm({
      title: t('mall.reviews.approveTitle'), content: t('mall.reviews.approveWhat'), okText: t('mall.reviews.approve'), cancelText: t('common.cancel'),
      onOk: () => act(() => api.approve(r.id), t('mall.reviews.approved')),
    }),
    reject: (r) => { rejectForm.resetFields(); setRejecting(r); },
    reply: (r) => { replyForm.setFieldsValue({ text: r.reply?.text ?? '' }); setReplying(r); },
  };
  const dialogs = (
    <>
      <Modal
        open={rejecting !== null} title={t('mall.reviews.rejectTitle')} okText={t('mall.reviews.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy}
        onCancel={() => setRejecting(null)} forceRender
        onOk={async () => {
          const v = await rejectForm.validateFields().catch(() => null);
          if (v && rejecting && await act(() => api.reject(rejecting.id, v.reason.trim()), t('mall.reviews.rejected'))) setRejecting(null);
        }}
      >
        <Form form={rejectForm} layout="vertical">
          <Form.Item name="reason" label={t('mall.reviews.reason')} rules={required}><Input.TextArea rows={3} maxLength={200} showCount /></Form.Item>
        </Form>
      </Modal>
      <Modal
        open={replying !== null} title={t('mall.reviews.replyTitle')} okText={t('mall.reviews.doReply')} cancelText={t('common.cancel')} confirmLoading={busy}
        onCancel={() => setReplying(null)} forceRender
        onOk={async () => {
          const v = await replyForm.validateFields().catch(() => null);
          if (v && replying && await act(() => api.reply(replying.id, v.text.trim()), t('mall.reviews.replied'))) setReplying(null);
        }}
      >
        <Form form={replyForm} layout="vertical">
          <Form.Item name="text" label={t('mall.reviews.replyText')} rules={required}><Input.TextArea rows={4} maxLength={500} showCount /></Form.Item>
        </Form>
      </Modal>
    </>
  );
  return { steps, dialogs };
}

function OneReview({ id }: { id: number }) {
  const { t } = useI18n();
  const api = useReviews();
  const one = useLoad(() => api.get(id), [id]);
  const { steps, dialogs } = useSteps(one.reload);
  const name = useSubjectNames(one.data ? [one.data] : []);
  return (
    <div>
      <PageTitle title={t('mall.reviews.one')} extra={<Link to="/mall/reviews">{t('mall.reviews.back')}</Link>} />
      {one.error && <ErrorAlert error={one.error} onRetry={one.reload} />}
      {one.data ? <ReviewCard r={one.data} name={name(one.data)} steps={steps} detail /> : one.loading && <Spin />}
      {dialogs}
    </div>
  );
}

export default function MallReviewsPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const api = useReviews();
  const [state, setState] = useState<State>('pending');
  const [subject, setSubject] = useState<Subject | 'all'>('all');
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => (id ? Promise.resolve(null) : api.queue({ state, ...(subject === 'all' ? {} : { subject }), offset: (page - 1) * PAGE, limit: PAGE })),
    [id, state, subject, page],
  );
  const { steps, dialogs } = useSteps(list.reload);
  const items = list.data?.items ?? [];
  const name = useSubjectNames(items);
  // A malformed id is asked for all the same: the server answers it (400) in the staff member's language.
  if (id) return <OneReview id={/^\d+$/.test(id) ? Number(id) : 0} />;

  return (
    <div>
      <PageTitle title={t('mall.reviews.title')} />
      <Typography.Paragraph type="secondary">{t('mall.reviews.intro')}</Typography.Paragraph>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Tabs
          activeKey={state} onChange={(k) => { setState(k as State); setPage(1); }} aria-label={t('mall.reviews.states')}
          items={STATES.map((s) => ({ key: s, label: t(`mall.reviews.state.${s}` as MessageKey) }))}
        />
        <Space>
          <label htmlFor="review-subject">{t('mall.reviews.subject')}</label>
          <Select
            id="review-subject" value={subject} style={{ width: 120 }} onChange={(v) => { setSubject(v); setPage(1); }}
            options={(['all', 'goods', 'offering'] as const).map((v) => ({ value: v, label: t(`mall.reviews.subject.${v}`) }))}
          />
        </Space>
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Spin spinning={list.loading && !list.data}>
        <div role="list" aria-label={t('mall.reviews.list')}>
          {items.map((r) => <div role="listitem" key={r.id} style={{ marginBottom: 12 }}><ReviewCard r={r} name={name(r)} steps={steps} /></div>)}
        </div>
        {list.data && !items.length && <Empty description={t(`mall.reviews.empty.${state}`)} />}
      </Spin>
      {(list.data?.total ?? 0) > PAGE && (
        <Pagination current={page} pageSize={PAGE} total={list.data!.total} onChange={setPage} showSizeChanger={false} showTotal={(n) => t('common.total', { n })} style={{ marginTop: 12 }} />
      )}
      {dialogs}
    </div>
  );
}
