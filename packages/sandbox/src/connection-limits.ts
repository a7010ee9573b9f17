/**
 * What one API connection may cost the sandbox. A stranger (no login yet) gets tiny frames and a
 * deadline; everybody gets a frame cap and a deadline to finish a frame once started, so that
 * neither a 15 MB "login" nor a frame that never ends can hold memory or a socket.
 */
export interface ConnectionLimits {
  /** Largest request frame after login, bytes (signature + XML). */
  maxFrameBytes: number;
  /** Largest request frame before login: a login or token request is a few hundred bytes. */
  maxFrameBytesBeforeLogin: number;
  /** A connection that has not logged in (or resumed a token) by then is closed, ms. */
  loginTimeoutMs: number;
  /** A frame started but not finished within this is dropped with its connection, ms. */
  frameTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxFrameBytes: 1024 * 1024,
  maxFrameBytesBeforeLogin: 4096,
  loginTimeoutMs: 30_000,
  frameTimeoutMs: 30_000,
};
