// Webhook authenticity: GitHub signs the raw body with the shared secret (HMAC-SHA256) in
// X-Hub-Signature-256. Checked before parsing or any other work, in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signPayload(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signPayload(secret, body), 'utf8');
  const given = Buffer.from(header.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
