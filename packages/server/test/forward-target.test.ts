import { describe, expect, it } from 'vitest';
import { parseForwardTarget, parseHeaderList } from '../src/forward-target.js';

const noEnv = {};

describe('the --forward URL rule', () => {
  it('grpc:// and grpcs:// are OTLP/gRPC to host:port, 4317 by default', () => {
    expect(parseForwardTarget('grpc://alloy', {}, noEnv)).toMatchObject({
      protocol: 'grpc',
      address: 'alloy:4317',
      tls: false,
      compression: 'none',
      headers: {},
    });
    expect(parseForwardTarget('grpcs://otlp.example.com:443/', {}, noEnv)).toMatchObject({
      protocol: 'grpc',
      address: 'otlp.example.com:443',
      tls: true,
    });
    expect(parseForwardTarget('grpc://[::1]:14317', {}, noEnv).address).toBe('[::1]:14317');
  });

  it('http:// and https:// are OTLP/HTTP bases without the trailing slash', () => {
    expect(parseForwardTarget('http://alloy:4318/', {}, noEnv)).toMatchObject({
      protocol: 'http/protobuf',
      address: 'http://alloy:4318',
      tls: false,
    });
    expect(parseForwardTarget('https://otlp.example.com/otlp/', {}, noEnv)).toMatchObject({
      address: 'https://otlp.example.com/otlp',
      tls: true,
    });
  });

  it('reads headers and compression from options first, then SIGHTLINE_FORWARD_HEADERS / _COMPRESSION', () => {
    const env = {
      SIGHTLINE_FORWARD_HEADERS: 'Authorization=Bearer%20abc%3D%3D, x-scope-orgid=dev',
      SIGHTLINE_FORWARD_COMPRESSION: 'gzip',
    };
    expect(parseForwardTarget('grpc://alloy', {}, env)).toMatchObject({
      headers: { authorization: 'Bearer abc==', 'x-scope-orgid': 'dev' },
      compression: 'gzip',
    });
    expect(parseForwardTarget('grpc://alloy', { headers: { 'X-Key': 'k' }, compression: 'none' }, env)).toMatchObject({
      headers: { 'x-key': 'k' },
      compression: 'none',
    });
  });

  it('refuses what it cannot honour, naming where the value came from', () => {
    expect(() => parseForwardTarget('grpc://alloy:4317?x=1', {}, noEnv)).toThrow(/has a query or fragment/);
    expect(() => parseForwardTarget('grpc://user:pw@alloy:4317', {}, noEnv)).toThrow(
      /has credentials; pass them in SIGHTLINE_FORWARD_HEADERS/,
    );
    expect(() => parseForwardTarget('grpc://alloy', {}, { SIGHTLINE_FORWARD_COMPRESSION: 'zstd' })).toThrow(
      'SIGHTLINE_FORWARD_COMPRESSION "zstd" is not gzip or none',
    );
    expect(() => parseHeaderList('a=1,b', 'SIGHTLINE_FORWARD_HEADERS')).toThrow(
      'SIGHTLINE_FORWARD_HEADERS: "b" is not key=value',
    );
    expect(() => parseHeaderList('a=%E0%A4%A', 'X')).toThrow('X: "a=%E0%A4%A" is not key=value');
    expect(() => parseHeaderList('bad key=1', 'X')).toThrow('is not key=value');
  });
});
