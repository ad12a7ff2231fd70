// Where the mall delivers and what delivery costs: the mainland's provinces except a few whose
// couriers the operator has no contract with, free from ¥99 of shipped goods, else ¥10. Goods that
// are not shipped (codes, credits, packs) need no address and cost nothing to deliver.
import { AppError } from '../../platform/errors.ts';

/** Province-level divisions delivered to, as written on an address (广东省, 北京市, 广西壮族自治区). */
export const DELIVERED_PROVINCES: readonly string[] = [
  '北京市', '天津市', '上海市', '重庆市', '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省', '浙江省', '安徽省',
  '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '海南省', '四川省', '贵州省', '云南省', '陕西省',
  '甘肃省', '青海省', '内蒙古自治区', '广西壮族自治区', '宁夏回族自治区',
];
// Not delivered: 西藏自治区 and 新疆维吾尔自治区 (no courier contract yet), and outside the mainland.

export const FREE_DELIVERY_FROM_FEN = 9_900;
export const DELIVERY_FEE_FEN = 1_000;

/** A delivery address (the channel's schema checks its shape). */
export interface Address { name: string; phone: string; province: string; city: string; district: string; detail: string }

/** The address checked against the delivery area: ADDRESS_OUT_OF_AREA outside it. */
export function checkArea(a: Address): Address {
  if (!DELIVERED_PROVINCES.includes(a.province.trim())) throw new AppError('ADDRESS_OUT_OF_AREA', { extra: { province: a.province } });
  return a;
}

/** The delivery fee for this much in shipped goods (none shipped: nothing). */
export function deliveryFee(shippedFen: number, anyShipped: boolean): number {
  if (!anyShipped) return 0;
  return shippedFen >= FREE_DELIVERY_FROM_FEN ? 0 : DELIVERY_FEE_FEN;
}
