// The identity module's public face: subscribers' one-time sign-in codes and the bearer tokens
// every node checks without a database round trip.
export { OtpService, OTP_MAX_ATTEMPTS, OTP_PER_HOUR, OTP_PER_MINUTE, OTP_TTL_MS } from './otp.ts';
export { TokenSigner, loadTokenKey, STAFF_TOKEN_TTL_S, SUBSCRIBER_TOKEN_TTL_S } from './tokens.ts';
export { identityMigrations } from './migrations/index.ts';
