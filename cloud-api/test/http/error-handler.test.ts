import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HameauError } from '@hameau/protocol';
import type { DomainPlugin } from '../../src/app.js';
import { errorResponse } from '../../src/http/error-handler.js';
import { capturedLog } from '../helpers/captured-log.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Routes that fail in the ways a domain can. */
const failing: DomainPlugin = {
  name: 'failing',
  prefix: '/fail',
  plugin: (app) => {
    app.get('/bug', () => {
      throw new Error('connection string postgres://u:hunter2@db/x exploded');
    });
    app.get('/known', () => {
      throw new HameauError('DEVICE_NOT_FOUND', 'no device a/b', { site: 'a', device: 'b' });
    });
    app.post('/echo', (request) => ({ got: request.body }));
    return Promise.resolve();
  },
};

describe('error responses', () => {
  let t: TestApp;
  const captured = capturedLog();

  beforeAll(async () => {
    t = await createTestApp({ options: { plugins: [failing], bodyLimit: 64, log: captured.log } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers an unexpected error with 500 and no internals, and logs it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/fail/bug' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    expect(captured.text()).toContain('exploded');
  });

  it("answers a HameauError with its code's status, code and message", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/fail/known' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'DEVICE_NOT_FOUND', message: 'no device a/b' } });
  });

  it('answers malformed JSON with 400 REQUEST_INVALID', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/fail/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('REQUEST_INVALID');
  });

  it('answers an oversized body with 413 and an unknown type with 415', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/fail/echo',
      payload: { text: 'x'.repeat(100) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json<{ error: { code: string } }>().error.code).toBe('BODY_TOO_LARGE');
    const xml = await t.app.inject({
      method: 'POST',
      url: '/fail/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json<{ error: { code: string } }>().error.code).toBe('MEDIA_TYPE_UNSUPPORTED');
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND, without the query string', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nowhere?code=123456' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'no endpoint GET /nowhere' },
    });
  });
});

describe('errorResponse', () => {
  it('maps fastify-style client errors by status', () => {
    const err = Object.assign(new Error('bad url'), { statusCode: 400 });
    expect(errorResponse(err)).toEqual({
      status: 400,
      body: { error: { code: 'REQUEST_INVALID', message: 'bad url' } },
    });
  });

  it('treats thrown non-errors as internal', () => {
    expect(errorResponse('boom').status).toBe(500);
    expect(errorResponse(null).body.error.code).toBe('INTERNAL_ERROR');
  });
});
