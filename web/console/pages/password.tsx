// Changing one's own password: the current one, then the new one twice (at least 10 characters).
import { useState } from 'react';
import { App, Form, Input, Modal } from 'antd';
import { toApiError, type ConsoleClient } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { errorText } from '../ui.tsx';

interface Values {
  currentPassword: string;
  newPassword: string;
  repeat: string;
}

export function PasswordDialog({ open, onClose, client }: { open: boolean; onClose(): void; client: ConsoleClient }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      await client.changePassword(v.currentPassword, v.newPassword);
      message.success(t('password.done'));
      form.resetFields();
      onClose();
    } catch (e) {
      const err = toApiError(e);
      const field = err.code === 'BAD_CREDENTIALS' ? 'currentPassword' : 'newPassword';
      form.setFields([{ name: field, errors: [errorText(err, i18n)] }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={t('password.title')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={save} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
        <Form.Item label={t('password.current')} name="currentPassword" rules={[{ required: true, message: t('signIn.passwordRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item label={t('password.new')} name="newPassword" rules={[{ required: true, min: 10, message: t('password.tooShort') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('password.repeat')} name="repeat" dependencies={['newPassword']}
          rules={[{ required: true, message: t('password.mismatch') }, ({ getFieldValue }) => ({
            validator: (_r, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
          })]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
