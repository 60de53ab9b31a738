import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Returns a checker for `Authorization: Bearer <token>` headers, compared in constant time (both sides hashed to a
 * fixed length first, so neither length nor content leaks through timing). Without a token every request passes.
 */
export function bearerChecker(token: string | undefined): (header: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = createHash('sha256').update(token).digest();
  return (header) => {
    const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    const given = createHash('sha256')
      .update(m?.[1] ?? '')
      .digest();
    return timingSafeEqual(given, expected) && m !== null;
  };
}
