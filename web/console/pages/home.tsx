// Home, by role: a product manager (or admin) sees what waits for their review and their own
// submissions still pending; operations (or admin) sees calls and success rate by channel in
// the last hour; everyone sees the catalogue by status.
import { Button, Card, Col, List, Row, Statistic, Table, Tag, Typography } from 'antd';
import { formatBeijing, formatRate } from '../../shared/format.ts';
import { Link, useRouter } from '../../shared/router.tsx';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import type { Review } from '../types.ts';
import { ErrorAlert, PageTitle, StatusTag, useLoad } from '../ui.tsx';
import { describeReview } from './reviews.tsx';

export default function HomePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, session, can } = useAuth();
  const { navigate } = useRouter();
  const me = session!.user;
  const reviewer = can('product');
  const ops = can('ops');
  const home = useLoad(() => client.home(), []);
  const pending = useLoad(() => (reviewer ? client.reviews('pending') : Promise.resolve({ items: [] as Review[] })), [reviewer]);
  const mine = (pending.data?.items ?? []).filter((r) => r.requestedBy.id === me.id);
  const toReview = (pending.data?.items ?? []).filter((r) => r.requestedBy.id !== me.id);

  const reviewList = (items: Review[], testId: string) => (
    <List
      size="small" data-testid={testId} dataSource={items.slice(0, 5)} locale={{ emptyText: t('home.noPending') }}
      renderItem={(r) => (
        <List.Item>
          <List.Item.Meta
            title={<Link to={`/offerings/${encodeURIComponent(r.offeringId)}`}>{i18n.pick(r.offeringName)}</Link>}
            description={`${describeReview(r, i18n)} · ${r.requestedBy.name} · ${formatBeijing(r.requestedAt)}`}
          />
        </List.Item>
      )}
    />
  );

  return (
    <>
      <PageTitle title={t('home.title')} />
      <Typography.Paragraph>{t('home.hello', { name: me.displayName })} {me.roles.map((r) => <Tag key={r}>{i18n.role(r)}</Tag>)}</Typography.Paragraph>
      {home.error && <ErrorAlert error={home.error} onRetry={home.reload} />}
      {pending.error && <ErrorAlert error={pending.error} onRetry={pending.reload} />}
      <Row gutter={[16, 16]}>
        {reviewer && (
          <>
            <Col xs={24} lg={12}>
              <Card
                title={<h2 className="card-title">{t('home.pendingReviews')}</h2>} loading={pending.loading && !pending.data}
                extra={<Button type="link" onClick={() => navigate('/reviews')}>{t('home.toQueue')}</Button>}
              >
                <Statistic title={t('home.pendingReviews')} value={toReview.length} />
                {reviewList(toReview, 'home-to-review')}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={<h2 className="card-title">{t('home.myPending')}</h2>} loading={pending.loading && !pending.data}>
                <Statistic title={t('home.myPending')} value={home.data?.myPendingSubmissions ?? mine.length} />
                {reviewList(mine, 'home-mine')}
              </Card>
            </Col>
          </>
        )}
        {ops && (
          <Col xs={24}>
            <Card title={<h2 className="card-title">{t('home.channels')}</h2>} loading={home.loading && !home.data}>
              <Table
                size="small" rowKey="channel" pagination={false} dataSource={home.data?.channels ?? []}
                columns={[
                  { title: t('home.channel'), dataIndex: 'channel', render: (c: string) => i18n.channel(c) },
                  { title: t('home.calls'), dataIndex: 'calls', align: 'right' },
                  { title: t('home.okRate'), dataIndex: 'okRate', align: 'right', render: (r: number | null) => formatRate(r) },
                ]}
              />
            </Card>
          </Col>
        )}
        {home.data && (
          <Col xs={24}>
            <Card title={<h2 className="card-title">{t('home.byStatus')}</h2>}>
              <Row gutter={[16, 16]}>
                {Object.entries(home.data.offeringsByStatus).map(([status, n]) => (
                  <Col key={status} xs={12} md={6} lg={4}>
                    <Statistic title={<StatusTag status={status} />} value={n} />
                  </Col>
                ))}
              </Row>
            </Card>
          </Col>
        )}
      </Row>
    </>
  );
}
