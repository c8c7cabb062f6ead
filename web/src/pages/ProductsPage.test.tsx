import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, created, mockApi, noContent, ok, type Handler } from '../test/fetchMock';
import { catalog, page, session } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { ProductsPage } from './ProductsPage';

const [cad, viewer] = catalog.products as [(typeof catalog.products)[0], (typeof catalog.products)[0]];
const featuresOf = (productId: string) => catalog.features.filter((f) => f.productId === productId);

function routes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /products': ok(page([cad, viewer])),
    'GET /products/prod-cad/features': ok(page(featuresOf('prod-cad'), { limit: 200 })),
    'GET /products/prod-viewer/features': ok(page(featuresOf('prod-viewer'), { limit: 200 })),
    ...extra,
  };
}

const renderProducts = (role: 'admin' | 'viewer' = 'admin') => renderWithProviders(<ProductsPage />, { route: '/products', session: session(role) });

describe('ProductsPage', () => {
  it('shows products with their features', async () => {
    const fake = mockApi(routes());
    renderProducts();
    const tree = await screen.findByRole('tree', { name: 'Products and features' });
    expect(within(tree).getByText('cad-suite')).toBeInTheDocument();
    expect(within(tree).getByText('2 features')).toBeInTheDocument();
    expect(within(tree).getByText('1 feature')).toBeInTheDocument();
    expect(within(tree).getByText('render')).toBeInTheDocument();
    expect(within(tree).getByText('Photo-realistic rendering')).toBeInTheDocument();
    expect(fake.calls('GET /products/prod-cad/features')[0]!.url).toBe('/api/v1/products/prod-cad/features?limit=200&offset=0');
  });

  it('offers create, edit and delete to an admin', async () => {
    mockApi(routes());
    renderProducts('admin');
    expect(await screen.findByRole('button', { name: 'Edit product cad-suite' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New product' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add feature to cad-suite' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete product viewer' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Edit feature cad-suite/render' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete feature viewer/view' })).toBeInTheDocument();
  });

  it('offers no write buttons to a viewer', async () => {
    mockApi(routes());
    renderProducts('viewer');
    expect(await screen.findByText('render')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New product' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Add feature|Edit|Delete)/ })).not.toBeInTheDocument();
  });

  it('creates a product and puts the server’s field error on the name', async () => {
    const fake = mockApi(
      routes({
        'POST /products': (req) =>
          (req.body as { name: string }).name === 'CON'
            ? apiError(400, 'VALIDATION_FAILED', 'body.name is a reserved name', [{ field: 'body.name', message: 'is a reserved name' }])
            : created({ ...cad, id: 'prod-new', name: (req.body as { name: string }).name, description: null }),
      }),
    );
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'New product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    const name = within(dialog).getByLabelText(/^Product name/);
    await user.type(name, 'CON');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));

    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog).getByText('This is a reserved name')).toBeInTheDocument();
    expect(name.getAttribute('aria-describedby')).toContain(within(dialog).getByText('This is a reserved name').id);
    expect(fake.calls('POST /products')[0]!.body).toEqual({ name: 'CON', description: null });

    await user.clear(name);
    await user.type(name, 'plotter');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('Created product plotter')).toBeInTheDocument();
  });

  it('shows a conflict that belongs to no field above the form', async () => {
    mockApi(routes({ 'POST /products/prod-cad/features': apiError(409, 'CONFLICT', 'a feature named "render" in this product already exists') }));
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'Add feature to cad-suite' }));
    const dialog = screen.getByRole('dialog', { name: 'New feature of cad-suite' });
    await user.type(within(dialog).getByLabelText(/^Feature name/), 'render');
    await user.click(within(dialog).getByRole('button', { name: 'Create feature' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('a feature named "render" in this product already exists');
  });

  it('checks the identifier before sending', async () => {
    const fake = mockApi(routes());
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'New product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    await user.type(within(dialog).getByLabelText(/^Product name/), 'cad suite');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    expect(await within(dialog).findByText('Use only letters, digits, _ . and -')).toBeInTheDocument();
    expect(fake.calls('POST /products')).toHaveLength(0);
  });

  it('shows why deleting a product in use is refused, with a link to the licenses that grant its features', async () => {
    const fake = mockApi(
      routes({
        'DELETE /products/prod-cad': {
          status: 409,
          body: {
            error: { code: 'CONFLICT', message: '1204 licenses grant features of this product; remove them from those licenses first', related: { licenses: 1204, filter: { productId: 'prod-cad' } } },
          },
        },
      }),
    );
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'Delete product cad-suite' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the product cad-suite?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete product' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('1204 licenses grant features of this product; remove them from those licenses first');
    expect(within(alert).getByRole('link', { name: 'Show them' })).toHaveAttribute('href', '/licenses?productId=prod-cad');
    expect(fake.calls('DELETE /products/prod-cad')).toHaveLength(1);
  });

  it('links a refused feature delete to the licenses that grant the feature', async () => {
    mockApi(
      routes({
        'DELETE /features/feat-view': {
          status: 409,
          body: { error: { code: 'CONFLICT', message: '2 licenses grant this feature; remove it from those licenses first', related: { licenses: 2, filter: { featureId: 'feat-view' } } } },
        },
      }),
    );
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'Delete feature viewer/view' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the feature viewer/view?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete feature' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('2 licenses grant this feature; remove it from those licenses first');
    expect(within(alert).getByRole('link', { name: 'Show them' })).toHaveAttribute('href', '/licenses?featureId=feat-view');
  });

  it('warns in the rename dialog that applications check product and feature names', async () => {
    const fake = mockApi(routes({ 'PATCH /products/prod-cad': (req) => ok({ ...cad, ...(req.body as object) }) }));
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'Edit product cad-suite' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit product cad-suite' });
    const name = within(dialog).getByRole('textbox', { name: /^Product name/ });
    await user.type(within(dialog).getByRole('textbox', { name: /^Description/ }), ' (new text)');
    expect(within(dialog).queryByText(/Applications ask for products by name/)).not.toBeInTheDocument();
    await user.clear(name);
    await user.type(name, 'cad-studio');
    expect(
      within(dialog).getByText(
        'Applications ask for products by name: those that check cad-suite no longer find it once it is cad-studio. Leases signed before keep the name cad-suite until they are renewed.',
      ),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.calls('PATCH /products/prod-cad')).toHaveLength(1));
  });

  it('warns before renaming a feature', async () => {
    mockApi(routes());
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'Edit feature cad-suite/render' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit feature cad-suite/render' });
    const name = within(dialog).getByRole('textbox', { name: /^Feature name/ });
    await user.clear(name);
    await user.type(name, 'raytrace');
    expect(within(dialog).getByText(/^Applications check features by name: those that check cad-suite\/render no longer find it once it is raytrace/)).toBeInTheDocument();
  });

  it('deletes a feature', async () => {
    const fake = mockApi(routes({ 'DELETE /features/feat-view': noContent() }));
    const { user } = renderProducts();
    await user.click(await screen.findByRole('button', { name: 'Delete feature viewer/view' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the feature viewer/view?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete feature' }));
    expect(await screen.findByText('Deleted feature view')).toBeInTheDocument();
    expect(fake.calls('DELETE /features/feat-view')).toHaveLength(1);
    await waitFor(() => expect(fake.calls('GET /products')).toHaveLength(2));
  });
});
