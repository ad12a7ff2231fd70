// The words an SMS broadcast may not carry, by why: China's Advertising Law (广告法 art. 9:
// absolute terms such as 最佳, 国家级, 第一品牌), gambling, fraud and fake invoices, and the
// phrasings regulators list for spam texts; a mall review with one of them, the Advertising Law's
// aside, is held for moderation. Kept here, in the repository, so a change to it is reviewed like
// code. Write each word as it should be read; the matcher folds full-width forms, case, and spaces
// or symbols put between characters to slip past it.
export const SENSITIVE_WORDS = {
  adLaw: [
    '最佳', '最好', '最优', '最强', '最高级', '最先进', '最低价', '最便宜', '最实惠', '最划算', '史上最低',
    '国家级', '世界级', '全球级', '顶级', '极品', '极致', '首选', '绝对', '万能', '唯一', '独一无二',
    '第一品牌', '全网第一', '全国第一', '销量第一', '排名第一', '行业第一', 'NO.1', 'TOP1', '100%有效', '零风险', '永久免费',
  ],
  gambling: ['赌博', '赌场', '博彩', '百家乐', '六合彩', '时时彩', '网上赌', '彩票内幕', '下注', '老虎机'],
  fraud: [
    '代开发票', '代开增值税', '发票代开', '办证', '刷单', '套现', '洗钱', '贷款秒批', '无抵押贷款', '中奖通知',
    '恭喜您中奖', '账户异常请点击', '安全账户', '冒充公检法', '兼职刷信誉',
  ],
  adult: ['色情', '成人视频', '裸聊', '约炮'],
} as const;

export type SensitiveCategory = keyof typeof SENSITIVE_WORDS;
