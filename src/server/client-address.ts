/**
 * Who is asking, for per-client limits. The local server's requests carry the socket's
 * address (srvx's `request.ip`, which ignores `X-Forwarded-For` as no proxy is trusted).
 * Vercel calls route functions with a plain Request; there the client address is in
 * `x-real-ip`, a header Vercel sets itself and does not take from the client
 * (https://vercel.com/docs/headers/request-headers). Anywhere else all unknown clients share one key.
 */
export function clientAddress(request: Request): string {
  const ip = (request as Request & { ip?: unknown }).ip;
  if (typeof ip === 'string' && ip !== '') return ip;
  return request.headers.get('x-real-ip')?.trim() || 'unknown';
}
