// The identity module's public face: subscribers' one-time sign-in codes, the bearer tokens every
// node checks without a database round trip, sessions that end on every node, and the sign-in
// limits per source address and per number.
export { OtpService, OTP_LIMITS, OTP_MAX_ATTEMPTS, OTP_PER_HOUR, OTP_PER_MINUTE, OTP_SENT_MESSAGE, OTP_TTL_MS, type OtpOptions } from './otp.ts';
export { TokenSigner, loadTokenKey, STAFF_TOKEN_TTL_S, SUBSCRIBER_TOKEN_TTL_S, type RevocationCheck, type TokenSession } from './tokens.ts';
export { AuthSessions, REVOCATION_POLL_MS, type AuthSessionsOptions } from './sessions.ts';
export {
  RateLimiter, PostgresLimitStore, RedisLimitStore, addressSubject, rateLimited, step as limitStep,
  type LimitRule, type LimitStore, type Verdict,
} from './rate-limit.ts';
export { identityMigrations } from './migrations/index.ts';
