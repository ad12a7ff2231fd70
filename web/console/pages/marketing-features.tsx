// 客户特征: one subscriber's customer features as the mart holds them (an agent's or analyst's look),
// each named from the server's list, with its unit and where it comes from; times in Beijing time.
import { useState } from 'react';
import { Descriptions, Flex, Typography } from 'antd';
import { formatBeijing } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { useMarketing } from '../marketing-api.ts';
import { FeatureValue, featureLabel, NumberSearch } from '../marketing-ui.tsx';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

export default function MarketingFeaturesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const [msisdn, setMsisdn] = useState<string>();
  const defs = useLoad(() => api.features(), []);
  const one = useLoad(() => (msisdn ? api.subscriber(msisdn) : Promise.resolve(undefined)), [msisdn]);

  return (
    <>
      <PageTitle title={t('mkt.features.title')} />
      <Typography.Paragraph type="secondary">{t('mkt.features.intro')}</Typography.Paragraph>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <NumberSearch label={t('mkt.msisdn')} onSearch={setMsisdn} />
      </Flex>
      {defs.error && <ErrorAlert error={defs.error} onRetry={defs.reload} />}
      {msisdn && one.error && <ErrorAlert error={one.error} />}
      {msisdn && one.data && defs.data && !one.loading && (
        <Descriptions
          bordered size="small" column={{ xs: 1, md: 2 }} data-testid="features"
          title={t('mkt.features.of', { msisdn, at: formatBeijing(String(one.data.refreshedAt)) })}
          items={defs.data.items.map((d) => ({
            key: d.name,
            label: <span title={d.source}>{featureLabel(i18n, d)}</span>,
            children: <FeatureValue def={d} value={one.data![d.name]} />,
          }))}
        />
      )}
    </>
  );
}
