// The side menu's icons for the marketing pages and their group (营销).
import type { ReactNode } from 'react';
import { AimOutlined, BarChartOutlined, BulbOutlined, CustomerServiceOutlined, FundOutlined, GiftOutlined, IdcardOutlined, MessageOutlined, PhoneOutlined, SafetyOutlined, ThunderboltOutlined } from '@ant-design/icons';

export const MARKETING_ICONS = {
  mktFeatures: <IdcardOutlined />, mktSegments: <AimOutlined />, mktOffers: <GiftOutlined />, mktDecisions: <BulbOutlined />, mktContacts: <SafetyOutlined />,
  mktTriggers: <ThunderboltOutlined />, mktBroadcasts: <MessageOutlined />, mktCallLists: <PhoneOutlined />, mktMyCalls: <CustomerServiceOutlined />, mktResults: <BarChartOutlined />,
} as const satisfies Record<string, ReactNode>;

export function MarketingGroupIcon() {
  return <FundOutlined />;
}
