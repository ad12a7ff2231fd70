// The one error type: a stable machine code, an HTTP status, and a message in both languages.
// Every channel renders it in its own form (problem JSON, an SMS, a USSD screen, a prompt).
import { l10n, type L10n } from './i18n.ts';

export const ERRORS = {
  INVALID_INPUT: [400, '输入有误', 'Invalid input'],
  PAYLOAD_TOO_LARGE: [413, '请求内容过大', 'The request body is too large'],
  IDEMPOTENCY_KEY_REQUIRED: [400, '缺少幂等键（Idempotency-Key）', 'An Idempotency-Key header is required for transactions'],
  UNAUTHENTICATED: [401, '请先登录', 'Sign in first'],
  FORBIDDEN: [403, '无权办理此业务', 'Not allowed'],
  NOT_FOUND: [404, '未找到', 'Not found'],
  BUSINESS_NOT_FOUND: [404, '没有这项业务', 'No such business'],
  NOT_A_SUBSCRIBER: [404, '该号码不是本网用户', 'This number is not one of our subscribers'],
  OFFERING_NOT_FOUND: [404, '没有这个产品', 'No such product'],
  REWARD_NOT_FOUND: [404, '没有这个积分礼品', 'No such reward'],
  BILL_NOT_FOUND: [404, '该月没有账单', 'No bill for that month'],
  PRODUCT_NOT_FOUND: [404, '没有这件商品，或已下架', 'No such product, or it is not on sale'],
  SKU_NOT_FOUND: [404, '没有这个商品规格', 'No such SKU'],
  SKU_NOT_OF_PRODUCT: [400, '该规格不属于这件商品', 'That SKU belongs to another product'],
  SKU_CODE_TAKEN: [409, '规格编码已被使用', 'That SKU code is already used'],
  CATEGORY_NOT_FOUND: [404, '没有这个商品分类', 'No such category'],
  CHANGE_NOT_FOUND: [404, '没有这项商品变更', 'No such product change'],
  INVALID_QUANTITY: [400, '数量应为1至99的整数', 'The quantity must be a whole number from 1 to 99'],
  OUT_OF_STOCK: [409, '库存不足', 'Not enough in stock'],
  CART_FULL: [409, '购物车最多放50种商品', 'A cart holds at most 50 different items'],
  CART_EMPTY: [409, '购物车是空的', 'The cart is empty'],
  ADDRESS_REQUIRED: [400, '请填写收货地址', 'Enter a delivery address'],
  ADDRESS_OUT_OF_AREA: [400, '该地址不在配送范围内', 'That address is outside the delivery area'],
  STOCK_BELOW_RESERVED: [409, '盘点数不能少于订单已预占的数量', 'The count cannot be below what open orders hold'],
  STOCK_RESERVATION_EXPIRED: [409, '订单预占已过期，请重新下单', 'The order\'s hold has lapsed; please order again'],
  RESERVATION_NOT_FOUND: [404, '没有这笔预占', 'No such reservation'],
  WAREHOUSE_NOT_FOUND: [404, '没有这个仓库', 'No such warehouse'],
  NUMBER_NOT_FOUND: [404, '号码池中没有这个号码', 'That number is not in the pool'],
  NUMBER_TAKEN: [409, '该号码已被他人选走，请另选一个', 'Someone else has taken that number; choose another'],
  CODES_EXHAUSTED: [409, '卡密已售完', 'No codes are left'],
  FLASH_SALE_NOT_FOUND: [404, '没有这场秒杀', 'No such flash sale'],
  FLASH_SALE_NOT_STOCKED: [400, '秒杀只能用于从仓库发货的商品', 'A flash sale is only for goods shipped from stock'],
  NOT_STARTED: [409, '秒杀尚未开始', 'The flash sale has not started yet'],
  ENDED: [409, '秒杀已结束', 'The flash sale has ended'],
  SOLD_OUT: [409, '已抢光', 'Sold out'],
  LIMIT_REACHED: [409, '您已达到本场秒杀的限购数量', 'You have reached the limit for this flash sale'],
  CONFIRMATION_REQUIRED: [409, '请确认后办理', 'Please confirm to proceed'],
  PRICE_CHANGED: [409, '价格已变化，请按新价格确认', 'The price has changed; please confirm the new price'],
  ALREADY_SUBSCRIBED: [409, '您已订购该产品', 'You already have this product'],
  NOT_SUBSCRIBED: [409, '您没有订购该产品', 'You do not have this product'],
  SAME_PLAN: [409, '您已在使用该套餐', 'You are already on this plan'],
  IDEMPOTENCY_KEY_REUSED: [422, '同一幂等键用于了不同的请求', 'This Idempotency-Key was used for a different request'],
  INSUFFICIENT_BALANCE: [422, '余额不足', 'Insufficient balance'],
  INSUFFICIENT_POINTS: [422, '积分不足', 'Not enough points'],
  NOT_ELIGIBLE: [422, '您不符合办理条件', 'You are not eligible for this'],
  NOT_AVAILABLE_ON_CHANNEL: [422, '该渠道暂不提供此业务', 'Not available on this channel'],
  LINE_SUSPENDED: [422, '您的号码已停机，暂不能办理此业务', 'Your line is suspended, so this cannot be done now'],
  NOT_OFFERED_ON_CHANNEL: [403, '该业务暂未在此渠道提供，请通过其他渠道办理', 'This service is not offered on this channel; please use another channel'],
  CONFLICT: [409, '数据已被他人修改，请刷新后重试', 'Someone else changed this first; reload and try again'],
  NOT_EDITABLE: [409, '当前状态不允许修改', 'It cannot be changed in its current status'],
  INVALID_TRANSITION: [409, '不允许的状态变更', 'That lifecycle step is not allowed'],
  INCOMPLETE: [400, '产品信息不完整，请补全类别、编码和价格', 'The offering is incomplete: it needs a kind, a code and a price'],
  REVIEW_PENDING: [409, '已有待审核的变更', 'A change is already waiting for review'],
  REVIEW_NOT_PENDING: [409, '该审核已处理', 'That review has already been decided'],
  SELF_REVIEW: [409, '不能审核自己提交的变更，请由另一位产品经理审核', 'You cannot review your own change; another product manager must'],
  SEGMENT_RULE_INVALID: [400, '分群规则有误', 'The segment rule is invalid'],
  SEGMENT_NOT_FOUND: [404, '没有这个客户群', 'No such segment'],
  OFFER_NOT_FOUND: [404, '没有这个优惠', 'No such offer'],
  OFFER_EXPIRED: [409, '该优惠已结束', 'This offer has ended'],
  OFFER_BUDGET_EXHAUSTED: [409, '该优惠已被领完', 'This offer has run out'],
  OFFER_NOT_FOR_YOU: [403, '该优惠不适用于您的号码', 'This offer is not for your number'],
  OFFER_ALREADY_ACCEPTED: [409, '您已办理过该优惠', 'You have already taken this offer'],
  TRIGGER_NOT_FOUND: [404, '没有这个触发规则', 'No such trigger'],
  CALL_LIST_NOT_FOUND: [404, '没有这个外呼名单', 'No such call list'],
  CALL_LIST_NOT_ACTIVE: [409, '该外呼名单未生效或已结束', 'This call list is not live'],
  CALL_ROW_NOT_FOUND: [404, '没有这条外呼记录', 'No such call'],
  CALL_ROW_NOT_YOURS: [403, '这条外呼不是分配给您的', 'This call is not assigned to you'],
  CALL_ROW_DONE: [409, '这条外呼已有结果', 'This call already has its outcome'],
  CALL_NOT_YET: [409, '接触策略要求稍后再拨', 'The contact policy says call later'],
  AGENT_NOT_FOUND: [400, '没有这位外呼坐席', 'No such agent'],
  OFFER_LINK_INVALID: [404, '链接无效', 'This link is not valid'],
  OFFER_LINK_EXPIRED: [410, '链接已过期', 'This link has expired'],
  OFFER_LINK_USED: [410, '链接已使用过，请登录后查看优惠', 'This link has been used; sign in to see the offer'],
  TOO_MANY_ATTEMPTS: [429, '尝试次数过多，请稍后再试', 'Too many attempts; try again later'],
  SUBSCRIBER_NOT_ACTIVE: [422, '号码状态异常，请联系客服', 'This number is not active; please contact customer service'],
  OTP_INVALID: [401, '验证码错误或已过期', 'The code is wrong or has expired'],
  OTP_TOO_MANY_ATTEMPTS: [401, '验证码错误次数过多，请重新获取', 'Too many wrong codes; request a new one'],
  RATE_LIMITED: [429, '操作过于频繁，请稍后再试', 'Too many requests; try again later'],
  BAD_CREDENTIALS: [401, '用户名或密码错误', 'Wrong username or password'],
  PAYMENT_NOT_FOUND: [404, '没有这笔支付', 'No such payment'],
  PAYMENT_ORDER_NOT_FOUND: [404, '没有这笔待支付的订单', 'No such order to pay'],
  PAYMENT_METHOD_UNAVAILABLE: [422, '该支付方式暂不可用', 'That way of paying is not available'],
  PAYMENT_AMOUNT_INVALID: [400, '支付金额有误', 'The payment amount is invalid'],
  POINTS_INSUFFICIENT: [400, '积分不足，请减少抵扣积分', 'Not enough points; use fewer points'],
  PAYMENT_NOT_PAYABLE: [409, '该支付当前状态不能完成', 'The payment cannot be settled in its current state'],
  REFUND_NOT_ALLOWED: [409, '该支付当前不能退款', 'The payment cannot be refunded in its current state'],
  REFUND_EXCEEDS_PAID: [400, '退款金额超过可退金额', 'The refund is more than what is left to refund'],
  REFUND_NOT_FOUND: [404, '没有这笔退款', 'No such refund'],
  REFUND_SELF_REVIEW: [409, '不能审核自己申请的退款，请由另一位同事审核', 'You cannot approve your own refund; a colleague must'],
  SHIPMENT_NOT_FOUND: [404, '没有这个包裹', 'No such shipment'],
  SHIPMENT_ALREADY_SHIPPED: [409, '该包裹已发货', 'That shipment has already been shipped'],
  SHIPMENT_NOT_DELIVERED: [409, '包裹签收后才能申请退货', 'A return can be asked for once the parcel is signed for'],
  CARRIER_NOT_FOUND: [404, '没有这家快递公司', 'No such carrier'],
  CARRIER_SIGNATURE_INVALID: [401, '快递回调签名无效', 'The carrier event\'s signature is invalid'],
  TRACKING_NOT_FOUND: [404, '没有这个运单号', 'No shipment has that tracking number'],
  TRACKING_NO_REQUIRED: [400, '请填写运单号', 'Enter the tracking number'],
  TRACKING_NO_TAKEN: [409, '该运单号已用于另一个包裹', 'That tracking number is on another shipment'],
  RETURN_WINDOW_CLOSED: [409, '已超过签收后七天的无理由退货期限', 'The seven days for a return after signing are over'],
  RETURN_ALREADY_OPEN: [409, '该包裹已有退货申请', 'This shipment already has a return'],
  RETURN_NOT_FOUND: [404, '没有这个退货申请', 'No such return'],
  RETURN_NOT_IN_STATE: [409, '退货申请当前状态不能进行此操作', 'The return is not in a state for that'],
  REVIEW_NOT_PURCHASED: [403, '购买并签收（或订购）后才能评价', 'Only a buyer may review it: goods once delivered, an offering once held'],
  REVIEW_TOO_EARLY: [409, '订购满7天后才能评价', 'An offering can be reviewed after holding it for 7 days'],
  REVIEW_EXISTS: [409, '这次购买已经评价过了', 'This purchase has already been reviewed'],
  INVALID_RATING: [400, '评分应为1至5星', 'The rating must be a whole number of stars from 1 to 5'],
  REVIEW_TEXT_TOO_LONG: [400, '评价内容最多500字', 'A review is at most 500 characters'],
  REVIEW_PHOTO_INVALID: [400, '图片应为https开头的jpg、png、webp或gif图片地址，最多6张', 'Photos are https URLs of jpg, png, webp or gif images, at most 6'],
  REVIEW_NOT_FOUND: [404, '没有这条评价', 'No such review'],
  REVIEW_NOT_IN_STATE: [409, '评价当前状态不能进行此操作', 'The review is not in a state for that'],
  REVIEW_ALREADY_VOTED: [409, '您已觉得这条评价有用', 'You have already found this review helpful'],
  REVIEW_OWN_VOTE: [409, '不能给自己的评价点有用', 'You cannot vote for your own review'],
  ORDER_NOT_FOUND: [404, '没有这个订单', 'No such order'],
  ORDER_NOT_PAYABLE: [409, '该订单当前不能支付', 'The order cannot be paid in its current state'],
  ORDER_PAYMENT_OPEN: [409, '该订单已有一笔支付在进行中，请先完成或取消', 'The order already has a payment open; finish or cancel it first'],
  ORDER_NOT_CANCELLABLE: [409, '该订单已支付或已关闭，不能取消', 'The order is paid or closed, so it cannot be cancelled'],
  NUMBER_REQUIRED: [400, '请为号卡选择号码', 'Choose a number for the number card'],
  PAYMENT_PROVIDER_FAILED: [502, '支付机构暂时无法处理，请稍后再试', 'The payment provider could not handle it; try again later'],
  INTERNAL: [500, '系统繁忙，请稍后再试', 'The system is busy; try again later'],
  UNAVAILABLE: [503, '服务暂不可用', 'Service unavailable'],
  BROADCAST_NOT_FOUND: [404, '没有这个群发', 'No such broadcast'],
  TEMPLATE_UNKNOWN_VARIABLE: [422, '短信模板含有未知变量', 'The template uses a variable that does not exist'],
  TEMPLATE_NEEDS_OFFER: [422, '模板用到了优惠的变量，请选择一个优惠', 'The template uses an offer\'s variables; choose an offer'],
  SENSITIVE_WORDS: [422, '内容含有敏感词，请修改后再提交', 'The text contains sensitive words; change it and try again'],
  BROADCAST_RATE_TOO_HIGH: [422, '发送速率超过与短信中心约定的速率', 'The rate is above the rate agreed with the SMS centre'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly text: L10n;
  /** Extra members for the problem JSON (e.g. a quote, the invalid fields, retryAfter). */
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, opts: { detail?: L10n; extra?: Record<string, unknown> } = {}) {
    const [status, zh, en] = ERRORS[code];
    const text = opts.detail ?? l10n(zh, en);
    super(text.en);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.text = text;
    this.extra = opts.extra ?? {};
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
