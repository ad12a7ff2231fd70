// What one recharge may be, in fen: from ¥1 to ¥5,000.
export const RECHARGE_MIN_FEN = 100;
export const RECHARGE_MAX_FEN = 500_000;
