// Types for the parts of the `smpp` package (0.5.x, plain JavaScript) that omnihall uses.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded short_message: the text (or bytes when the data coding is not one it knows) and UDH IEs. */
  export interface DecodedMessage {
    message: string | Buffer;
    udh?: Buffer[];
  }

  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
    [field: string]: unknown;
  }

  type ResponseCallback = (pdu: PDU) => void;
  type Shortcut = (options: Record<string, unknown>, response?: ResponseCallback, sent?: ResponseCallback) => boolean;

  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, response?: ResponseCallback, sent?: ResponseCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver: Shortcut;
    submit_sm: Shortcut;
    deliver_sm: Shortcut;
    enquire_link: Shortcut;
    unbind: Shortcut;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export interface ConnectOptions {
    url?: string;
    host?: string;
    port?: number;
    auto_enquire_link_period?: number;
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;

  export const errors: Record<string, number>;
  export const consts: {
    ESM_CLASS: Record<string, number>;
    REGISTERED_DELIVERY: Record<string, number>;
    ENCODING: Record<string, number>;
    MESSAGE_STATE: Record<string, number>;
  };
  export const ESME_ROK: number;
  export const ESME_RTHROTTLED: number;
}
