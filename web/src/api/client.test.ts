import { describe, expect, it, vi } from 'vitest';
import { apiError, mockApi, noContent, ok } from '../test/fetchMock';
import { customer, page } from '../test/fixtures';
import { ApiError, errorMessage, formFieldOf, request, setCsrfRefresher, setCsrfToken, setUnauthorizedHandler } from './client';
import { api } from './endpoints';

describe('api client', () => {
  it('sends X-CSRF-Token on writes but not on GETs', async () => {
    const fake = mockApi({
      'GET /customers': ok(page([customer()])),
      'POST /customers': { status: 201, body: customer({ id: 'cust-2', name: 'Initech' }) },
      'PATCH /customers/cust-1': ok(customer({ name: 'Globex' })),
      'DELETE /customers/cust-1': noContent(),
    });
    setCsrfToken('token-123');

    await api.customers.list({ q: 'glo', limit: 25 });
    await api.customers.create({ name: 'Initech' });
    await api.customers.update('cust-1', { name: 'Globex' });
    await expect(api.customers.remove('cust-1')).resolves.toBeUndefined();

    const [get, post, patch, del] = fake.requests;
    expect(get!.headers['x-csrf-token']).toBeUndefined();
    expect(get!.url).toBe('/api/v1/customers?q=glo&limit=25');
    expect(post!.headers['x-csrf-token']).toBe('token-123');
    expect(post!.headers['content-type']).toBe('application/json');
    expect(post!.body).toEqual({ name: 'Initech' });
    expect(patch!.headers['x-csrf-token']).toBe('token-123');
    expect(del!.headers['x-csrf-token']).toBe('token-123');
    expect(fake.fetch.mock.calls[0]![1]).toMatchObject({ credentials: 'same-origin' });
  });

  it('leaves empty query values out of the URL and encodes ids in paths', async () => {
    const fake = mockApi({ 'GET /licenses': ok(page([])), 'GET /customers/a/b': ok(customer()) });
    await api.licenses.list({ q: '', customerId: undefined, expired: false, limit: 10 });
    await api.customers.get('a/b').catch(() => undefined);
    expect(fake.requests[0]!.url).toBe('/api/v1/licenses?expired=false&limit=10');
    expect(fake.requests[1]!.url).toBe('/api/v1/customers/a%2Fb');
  });

  it('turns an error body into an ApiError with status, code, message and field errors', async () => {
    mockApi({
      'POST /customers': apiError(400, 'VALIDATION_FAILED', 'body.contactEmail must match format "email"', [
        { field: 'body.contactEmail', message: 'must match format "email"' },
        { field: 'body.contactEmail', message: 'must be null' },
        { field: 'body.phone', message: 'must match pattern "^[0-9+()./ -]*$"' },
        { field: 'body', message: 'must have required property name' },
      ]),
    });
    const error = await api.customers.create({ name: 'x', contactEmail: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiErr = error as ApiError;
    expect(apiErr.status).toBe(400);
    expect(apiErr.code).toBe('VALIDATION_FAILED');
    expect(apiErr.message).toBe('body.contactEmail must match format "email"');
    expect(apiErr.fieldErrors()).toEqual({
      contactEmail: 'must match format "email"',
      phone: 'must match pattern "^[0-9+()./ -]*$"',
    });
    expect(errorMessage(apiErr)).toBe('body.contactEmail must match format "email"');
  });

  it('maps server field paths to form fields', () => {
    expect(formFieldOf('body.name')).toBe('name');
    expect(formFieldOf('body.keys.0')).toBe('keys.0');
    expect(formFieldOf('querystring.limit')).toBe('limit');
    expect(formFieldOf('body')).toBe('');
  });

  it('falls back to the status when the error body is not JSON, and reads Retry-After', async () => {
    mockApi({
      'GET /dashboard': { status: 503, body: undefined, headers: { 'retry-after': '7' } },
    });
    const error = (await api.dashboard.get().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
    expect(error.code).toBe('HTTP_503');
    expect(error.retryAfter).toBe(7);
    expect(error.details).toEqual([]);
  });

  it('reports a network failure as NETWORK_ERROR', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const error = (await api.products.list().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBe(0);
  });

  it('calls the unauthorized handler on a 401, except for requests that opt out', async () => {
    mockApi({
      'GET /customers': apiError(401, 'UNAUTHORIZED', 'no session: sign in first'),
      'GET /session': apiError(401, 'UNAUTHORIZED', 'no session: sign in first'),
      'GET /products': apiError(403, 'FORBIDDEN', 'viewers cannot do this'),
    });
    const handler = vi.fn();
    setUnauthorizedHandler(handler);

    await expect(api.customers.list()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]![0]).toBeInstanceOf(ApiError);

    await expect(api.session.get()).rejects.toMatchObject({ status: 401 });
    await expect(api.products.list()).rejects.toMatchObject({ status: 403 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('refreshes a stale CSRF token once on 403 CSRF_FAILED and retries the write', async () => {
    let attempts = 0;
    const fake = mockApi({
      'POST /products': (req) => {
        attempts += 1;
        return req.headers['x-csrf-token'] === 'fresh'
          ? { status: 201, body: { id: 'p', name: 'cad', description: null, createdAt: '', updatedAt: '' } }
          : apiError(403, 'CSRF_FAILED', 'missing or wrong X-CSRF-Token header');
      },
    });
    setCsrfToken('stale');
    const refresher = vi.fn(async () => 'fresh');
    setCsrfRefresher(refresher);

    await expect(request('/products', { method: 'POST', body: { name: 'cad' } })).resolves.toMatchObject({ id: 'p' });
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(attempts).toBe(2);
    expect(fake.requests.map((r) => r.headers['x-csrf-token'])).toEqual(['stale', 'fresh']);
  });
});
