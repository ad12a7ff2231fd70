// Staff users (admin): the list, a new user with an initial password and roles, disabling and
// enabling, and changing roles.
import { useState } from 'react';
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { formatBeijing } from '../../shared/format.ts';
import { toApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { isStaffRole, STAFF_ROLES, type StaffRole, type StaffUser } from '../types.ts';
import { ErrorAlert, errorText, PageTitle, ToneTag, useLoad } from '../ui.tsx';

interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: StaffRole[];
}

export default function StaffPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, session } = useAuth();
  const { message } = App.useApp();
  const list = useLoad(() => client.staff(), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<StaffUser | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewUser>();
  const [rolesForm] = Form.useForm<{ roles: StaffRole[] }>();
  const roleOptions = STAFF_ROLES.map((r) => ({ value: r, label: i18n.role(r) }));

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      list.reload();
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'CONFLICT' && creating) form.setFields([{ name: 'username', errors: [t('staff.usernameTaken')] }]);
      else message.error(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  };

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    await run(async () => {
      const u = await client.createStaff({ ...v, username: v.username.trim(), displayName: v.displayName.trim() });
      message.success(t('staff.created', { name: u.displayName }));
      setCreating(false);
    });
  };

  const saveRoles = async () => {
    const u = editing;
    if (!u) return;
    const v = await rolesForm.validateFields().catch(() => null);
    if (!v) return;
    const { roles } = v;
    await run(async () => {
      await client.updateStaff(u.id, { roles });
      message.success(t('staff.updated', { name: u.displayName }));
      setEditing(null);
    });
  };

  const setActive = (u: StaffUser, active: boolean) => run(async () => {
    await client.updateStaff(u.id, { active });
    message.success(t('staff.updated', { name: u.displayName }));
  });

  const columns: ColumnsType<StaffUser> = [
    { title: t('staff.username'), dataIndex: 'username' },
    { title: t('staff.displayName'), dataIndex: 'displayName' },
    { title: t('staff.roles'), dataIndex: 'roles', render: (rs: string[]) => rs.map((r) => <Tag key={r}>{i18n.role(r)}</Tag>) },
    { title: t('staff.status'), dataIndex: 'active', render: (a: boolean) => (a ? <ToneTag tone="green">{t('staff.active')}</ToneTag> : <ToneTag tone="grey">{t('staff.inactive')}</ToneTag>) },
    { title: t('staff.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatBeijing(v), responsive: ['lg'] },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, u) => (
        <Space wrap>
          <Button size="small" onClick={() => { rolesForm.setFieldsValue({ roles: u.roles.filter(isStaffRole) }); setEditing(u); }} aria-label={`${t('staff.editRoles')}：${u.username}`}>
            {t('staff.editRoles')}
          </Button>
          {u.active ? (
            <Popconfirm
              title={t('staff.disableTitle', { name: u.displayName })} description={t('staff.disableText')}
              okText={t('staff.disable')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} onConfirm={() => setActive(u, false)}
            >
              <Button size="small" danger disabled={u.id === session!.user.id} aria-label={`${t('staff.disable')}：${u.username}`}>{t('staff.disable')}</Button>
            </Popconfirm>
          ) : (
            <Button size="small" onClick={() => setActive(u, true)} aria-label={`${t('staff.enable')}：${u.username}`}>{t('staff.enable')}</Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageTitle title={t('staff.title')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); setCreating(true); }}>{t('staff.new')}</Button>} />
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<StaffUser>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} data-testid="staff-table"
      />
      <Modal open={creating} title={t('staff.new')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={create} onCancel={() => setCreating(false)} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" requiredMark={false} preserve={false} name="new-staff">
          <Form.Item label={t('staff.username')} name="username" rules={[{ required: true, whitespace: true, message: t('staff.required') }]}>
            <Input autoComplete="off" maxLength={40} />
          </Form.Item>
          <Form.Item label={t('staff.displayName')} name="displayName" rules={[{ required: true, whitespace: true, message: t('staff.required') }]}>
            <Input autoComplete="off" maxLength={60} />
          </Form.Item>
          <Form.Item label={t('staff.password')} name="password" rules={[{ required: true, min: 10, message: t('password.tooShort') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item label={t('staff.roles')} name="roles" rules={[{ required: true, type: 'array', min: 1, message: t('staff.rolesRequired') }]}>
            <Checkbox.Group options={roleOptions} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={editing !== null} title={editing ? t('staff.editRolesTitle', { name: editing.displayName }) : ''}
        okText={t('common.save')} cancelText={t('common.cancel')} onOk={saveRoles} onCancel={() => setEditing(null)} confirmLoading={busy} destroyOnHidden forceRender
      >
        <Form form={rolesForm} layout="vertical" requiredMark={false}>
          <Form.Item label={t('staff.roles')} name="roles" rules={[{ required: true, type: 'array', min: 1, message: t('staff.rolesRequired') }]}>
            <Checkbox.Group options={roleOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
