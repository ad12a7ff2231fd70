// The side menu's icons for the marketing pages and their group (营销).
import type { ReactNode } from 'react';
import { AimOutlined, BulbOutlined, FundOutlined, GiftOutlined, IdcardOutlined, SafetyOutlined } from '@ant-design/icons';

export const MARKETING_ICONS = {
  mktFeatures: <IdcardOutlined />, mktSegments: <AimOutlined />, mktOffers: <GiftOutlined />, mktDecisions: <BulbOutlined />, mktContacts: <SafetyOutlined />,
} as const satisfies Record<string, ReactNode>;

export function MarketingGroupIcon() {
  return <FundOutlined />;
}
