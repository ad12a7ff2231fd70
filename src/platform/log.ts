// The logger shape the platform's long-running parts take (pino's, or a silent one in tests).
export interface SmsLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: SmsLog = { info() {}, warn() {}, error() {} };
