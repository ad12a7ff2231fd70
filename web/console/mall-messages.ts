// The mall pages' texts in both languages (商城: goods and their reviewed changes, stock, orders,
// payments and refunds, shipments and returns), spread into the console's dictionary (messages.ts),
// whose test checks both sides alike. Codes the server answers with (states, kinds, methods) are
// named here as `mall.<kind>.<code>`; an unknown code shows as itself.
import { flashSaleEn, flashSaleZh } from './flash-sale-messages.ts';
import { promotionEn, promotionZh } from './mall-promotions-messages.ts';
import { mallReviewsEn, mallReviewsZh } from './mall-reviews-messages.ts';
import { mallOrdersEn, mallOrdersZh } from './mall-orders-messages.ts';
import { goodsEn, goodsZh } from './mall-goods-messages.ts';

export const mallZh = {
  'nav.mall': '商城',
  'nav.mallGoods': '商品',
  'nav.mallStock': '库存',
  'nav.mallOrders': '订单',
  'nav.mallPayments': '支付',
  'nav.mallShipments': '物流',
  'nav.mallReviews': '评价审核',
  'nav.mallPromotions': '优惠活动',
  'nav.mallFlashSales': '秒杀',
  ...flashSaleZh,
  ...promotionZh,
  ...mallReviewsZh,
  ...mallOrdersZh,
  ...goodsZh,
};

export const mallEn: Record<keyof typeof mallZh, string> = {
  'nav.mall': 'Mall',
  'nav.mallGoods': 'Goods',
  'nav.mallStock': 'Stock',
  'nav.mallOrders': 'Orders',
  'nav.mallPayments': 'Payments',
  'nav.mallShipments': 'Shipping',
  'nav.mallReviews': 'Reviews',
  'nav.mallPromotions': 'Promotions',
  'nav.mallFlashSales': 'Flash sales',
  ...flashSaleEn,
  ...promotionEn,
  ...mallReviewsEn,
  ...mallOrdersEn,
  ...goodsEn,
};
