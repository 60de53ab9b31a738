import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_QUERY_PARAMS } from '../src/config.js';
import { createQueryRedactor, redactHeaders, redactSql } from '../src/redaction.js';

describe('redaction', () => {
  const redact = createQueryRedactor(DEFAULT_REDACT_QUERY_PARAMS);

  it('replaces query parameters whose names look secret, in any naming style', () => {
    expect(redact('token=abc&page=2')).toBe('token=REDACTED&page=2');
    expect(redact('accessToken=abc&api_key=k&X-Signature=s&client_secret=c')).toBe(
      'accessToken=REDACTED&api_key=REDACTED&X-Signature=REDACTED&client_secret=REDACTED',
    );
    expect(redact('monkey=banana&keyboard=qwerty&q=token')).toBe('monkey=banana&keyboard=qwerty&q=token');
  });

  it('replaces secret headers and keeps the others', () => {
    expect(
      redactHeaders({ Authorization: 'Bearer x', cookie: 'a=b', 'x-api-key': 'k', accept: 'text/html' }, [
        'authorization',
        'cookie',
        'x-api-key',
      ]),
    ).toEqual({ Authorization: 'REDACTED', cookie: 'REDACTED', 'x-api-key': 'REDACTED', accept: 'text/html' });
  });

  it('keeps the shape of SQL without its literal values', () => {
    expect(redactSql("SELECT * FROM users WHERE email = 'a@b.c' AND age > 42 AND id = $1")).toBe(
      'SELECT * FROM users WHERE email = ? AND age > ? AND id = $1',
    );
    expect(redactSql("INSERT INTO t2 (a, b) VALUES ('it''s', -3.5)")).toBe('INSERT INTO t2 (a, b) VALUES (?, ?)');
  });
});
