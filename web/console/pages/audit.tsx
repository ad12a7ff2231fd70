// The audit log (admin): every staff action, newest first, filtered by who, what and on what;
// a row opens to show the entity before and after.
import { useState } from 'react';
import { Button, Col, Form, Input, Row, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing } from '../../shared/format.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import type { AuditQuery } from '../api.ts';
import type { AuditEntry } from '../types.ts';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

/** The audit query's filters (the page adds offset and limit). */
type Filters = Omit<AuditQuery, 'offset' | 'limit'>;

function json(v: unknown): string {
  return v === null || v === undefined ? '—' : JSON.stringify(v, null, 2);
}

export default function AuditPage() {
  const { t } = useI18n();
  const { client } = useAuth();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const list = useLoad(() => client.audit({ offset: (page.current - 1) * page.pageSize, limit: page.pageSize, ...filters }), [filters, page]);

  const columns: ColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatBeijing(v, { seconds: true }), width: 170 },
    { title: t('audit.actor'), dataIndex: 'actorName', render: (v: string) => v || '—' },
    { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('audit.entity'), key: 'entity', render: (_v, e) => (e.entityType ? `${e.entityType}${e.entityId ? ` ${e.entityId}` : ''}` : '—') },
    { title: t('audit.reason'), dataIndex: 'reason', render: (v: string) => v || '—' },
    { title: t('audit.source'), dataIndex: 'sourceIp', render: (v: string | null) => v ?? '—', responsive: ['xl'] },
  ];

  const apply = (v: Filters) => {
    const clean = Object.fromEntries(Object.entries(v).map(([k, s]) => [k, typeof s === 'string' && s.trim() ? s.trim() : undefined])) as Filters;
    setFilters(clean);
    setPage((p) => ({ ...p, current: 1 }));
  };

  return (
    <>
      <PageTitle title={t('audit.title')} />
      <Form<Filters> layout="vertical" onFinish={apply} name="audit-filters" role="search">
        <Row gutter={12} align="bottom">
          <Col xs={12} lg={5}><Form.Item label={t('audit.filterActor')} name="actor"><Input allowClear /></Form.Item></Col>
          <Col xs={12} lg={6}><Form.Item label={t('audit.filterAction')} name="action"><Input allowClear /></Form.Item></Col>
          <Col xs={12} lg={5}><Form.Item label={t('audit.filterEntityType')} name="entityType"><Input allowClear /></Form.Item></Col>
          <Col xs={12} lg={5}><Form.Item label={t('audit.filterEntityId')} name="entityId"><Input allowClear /></Form.Item></Col>
          <Col xs={24} lg={3}><Form.Item><Button type="primary" htmlType="submit" block>{t('common.search')}</Button></Form.Item></Col>
        </Row>
      </Form>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<AuditEntry>
        rowKey="id" size="small" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        data-testid="audit-table"
        expandable={{
          rowExpandable: (e) => e.before !== null || e.after !== null,
          expandedRowRender: (e) => (
            <Row gutter={16}>
              <Col xs={24} md={12}><Typography.Text strong>{t('audit.before')}</Typography.Text><pre className="json-block">{json(e.before)}</pre></Col>
              <Col xs={24} md={12}><Typography.Text strong>{t('audit.after')}</Typography.Text><pre className="json-block">{json(e.after)}</pre></Col>
            </Row>
          ),
        }}
        pagination={{
          current: page.current, pageSize: page.pageSize, total: list.data?.total ?? 0, showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }), onChange: (current, pageSize) => setPage({ current, pageSize }),
        }}
      />
    </>
  );
}
