// The side menu's mall pages (商城): each page's icon and its chunk, loaded when first shown, and
// the group's icon. A page of MALL_NAV (nav.ts) without its line here does not typecheck.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { CarOutlined, GiftOutlined, CommentOutlined, ThunderboltOutlined, InboxOutlined, PayCircleOutlined, ProfileOutlined, ShopOutlined, ShoppingOutlined } from '@ant-design/icons';
import type { MallPageKey } from './nav.ts';

/** A mall page gets the item id of `<path>/:id` when one is shown. */
export type MallPage = LazyExoticComponent<ComponentType<{ id?: string }>>;

export const MALL_PAGES: Record<MallPageKey, { icon: ReactNode; page: MallPage }> = {
  mallGoods: { icon: <ShoppingOutlined />, page: lazy(() => import('./pages/mall-goods.tsx')) },
  mallStock: { icon: <InboxOutlined />, page: lazy(() => import('./pages/mall-stock.tsx')) },
  mallOrders: { icon: <ProfileOutlined />, page: lazy(() => import('./pages/mall-orders.tsx')) },
  mallPayments: { icon: <PayCircleOutlined />, page: lazy(() => import('./pages/mall-payments.tsx')) },
  mallShipments: { icon: <CarOutlined />, page: lazy(() => import('./pages/mall-shipments.tsx')) },
  mallPromotions: { icon: <GiftOutlined />, page: lazy(() => import('./pages/mall-promotions.tsx')) },
  mallFlashSales: { icon: <ThunderboltOutlined />, page: lazy(() => import('./pages/mall-flash-sales.tsx')) },
  mallReviews: { icon: <CommentOutlined />, page: lazy(() => import('./pages/mall-reviews.tsx')) },
};

export function MallGroupIcon() {
  return <ShopOutlined />;
}
