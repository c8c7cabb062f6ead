import { screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Feature, Product } from '../api/types';
import { catalog, feature, product } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { FeatureTree } from './FeatureTree';

/** FeatureTree with its value held in state, reporting every change. */
function Harness({
  initial = [],
  onChange,
  products = catalog.products,
  features = catalog.features,
  disabled,
}: {
  initial?: string[];
  onChange: (ids: string[]) => void;
  products?: Product[];
  features?: Feature[];
  disabled?: boolean;
}) {
  const [value, setValue] = useState(initial);
  return (
    <FeatureTree
      products={products}
      features={features}
      value={value}
      disabled={disabled}
      onChange={(ids) => {
        setValue(ids);
        onChange(ids);
      }}
    />
  );
}

function renderTree(props: Partial<Parameters<typeof Harness>[0]> = {}) {
  const onChange = vi.fn<(ids: string[]) => void>();
  const result = renderWithProviders(<Harness onChange={onChange} {...props} />);
  return { ...result, onChange };
}

const checkbox = (name: string) => screen.getByRole('checkbox', { name });

describe('FeatureTree', () => {
  it('lists every product, sorted, with its features shown', () => {
    renderTree();
    const tree = screen.getByRole('tree', { name: 'Features' });
    const products = within(tree).getAllByRole('checkbox', { name: /^All features of / });
    expect(products.map((c) => c.getAttribute('aria-label'))).toEqual(['All features of cad-suite', 'All features of viewer']);
    // Features sorted by name within their product.
    const features = within(tree)
      .getAllByRole('checkbox')
      .map((c) => c.getAttribute('aria-label'))
      .filter((n) => n?.includes(' / '));
    expect(features).toEqual(['cad-suite / export', 'cad-suite / render', 'viewer / view']);
    expect(screen.getByText('Photo-realistic rendering')).toBeInTheDocument();
    expect(screen.getByText('0 selected')).toBeInTheDocument();
  });

  it('picks features across products', async () => {
    const { user, onChange } = renderTree();
    await user.click(checkbox('cad-suite / render'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-render']);
    expect(screen.getByText('1 selected in 1 product')).toBeInTheDocument();
    expect(checkbox('All features of cad-suite')).toHaveAttribute('data-indeterminate', 'true');
    expect(screen.getByText('1/2')).toBeInTheDocument();

    await user.click(checkbox('viewer / view'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-render', 'feat-view']);
    expect(screen.getByText('2 selected in 2 products')).toBeInTheDocument();
    expect(checkbox('All features of viewer')).toBeChecked();

    await user.click(checkbox('cad-suite / render'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-view']);
    expect(checkbox('cad-suite / render')).not.toBeChecked();
  });

  it('selects and clears all features of a product with its checkbox', async () => {
    const { user, onChange } = renderTree({ initial: ['feat-view'] });
    await user.click(checkbox('All features of cad-suite'));
    // Catalog order, and the other product's selection kept.
    expect(onChange).toHaveBeenLastCalledWith(['feat-render', 'feat-export', 'feat-view']);
    expect(checkbox('cad-suite / render')).toBeChecked();
    expect(checkbox('cad-suite / export')).toBeChecked();
    expect(checkbox('All features of cad-suite')).toBeChecked();

    await user.click(checkbox('All features of cad-suite'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-view']);
    expect(checkbox('cad-suite / render')).not.toBeChecked();
  });

  it('completes a partly selected product with its checkbox', async () => {
    const { user, onChange } = renderTree({ initial: ['feat-export'] });
    await user.click(checkbox('All features of cad-suite'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-render', 'feat-export']);
  });

  it('keeps selected ids that are not in the catalog', async () => {
    const { user, onChange } = renderTree({ initial: ['feat-gone'] });
    await user.click(checkbox('viewer / view'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-view', 'feat-gone']);
  });

  it('filters by product or feature name and description', async () => {
    const { user } = renderTree();
    const filter = screen.getByRole('textbox', { name: 'Filter features' });
    await user.type(filter, 'exp');
    expect(screen.getByRole('checkbox', { name: 'cad-suite / export' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'cad-suite / render' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'All features of viewer' })).not.toBeInTheDocument();

    await user.clear(filter);
    await user.type(filter, 'photo');
    expect(screen.getByRole('checkbox', { name: 'cad-suite / render' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'cad-suite / export' })).not.toBeInTheDocument();

    await user.clear(filter);
    await user.type(filter, 'viewer');
    expect(screen.getByRole('checkbox', { name: 'viewer / view' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'All features of cad-suite' })).not.toBeInTheDocument();

    await user.clear(filter);
    await user.type(filter, 'zzz');
    expect(screen.getByText('Nothing matches “zzz”.')).toBeInTheDocument();
  });

  it('selecting a product while filtered selects all of its features', async () => {
    const { user, onChange } = renderTree();
    await user.type(screen.getByRole('textbox', { name: 'Filter features' }), 'exp');
    await user.click(checkbox('All features of cad-suite'));
    expect(onChange).toHaveBeenLastCalledWith(['feat-render', 'feat-export']);
  });

  it('collapses and expands a product', async () => {
    const { user } = renderTree();
    await user.click(screen.getByRole('button', { name: 'Collapse cad-suite' }));
    expect(screen.queryByRole('checkbox', { name: 'cad-suite / render' })).not.toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'viewer / view' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Expand cad-suite' }));
    expect(screen.getByRole('checkbox', { name: 'cad-suite / render' })).toBeInTheDocument();
  });

  it('says when there are no products and disables products without features', () => {
    renderTree({ products: [], features: [] });
    expect(screen.getByText('No products yet: create products and features first.')).toBeInTheDocument();
    renderTree({ products: [product({ id: 'p-empty', name: 'empty' })], features: [] });
    expect(checkbox('All features of empty')).toBeDisabled();
    expect(screen.getByText('no features')).toBeInTheDocument();
  });

  it('does not change when disabled', async () => {
    const { user, onChange } = renderTree({ disabled: true, features: [feature({ id: 'f', productId: 'prod-cad', name: 'only' })] });
    expect(checkbox('cad-suite / only')).toBeDisabled();
    await user.click(checkbox('cad-suite / only'));
    expect(onChange).not.toHaveBeenCalled();
  });

  describe('by keyboard', () => {
    const item = (name: string) => screen.getByRole('treeitem', { name: new RegExp(`^${name}`) });

    it('is one tab stop whose rows the arrow keys move through', async () => {
      const { user } = renderTree();
      await user.click(screen.getByRole('textbox', { name: 'Filter features' }));
      await user.tab();
      expect(item('cad-suite')).toHaveFocus();
      await user.keyboard('{ArrowDown}');
      expect(item('export')).toHaveFocus();
      await user.keyboard('{ArrowDown}{ArrowDown}');
      expect(item('viewer')).toHaveFocus();
      // The checkboxes are inside the rows, not tab stops of their own.
      expect(checkbox('cad-suite / export')).toHaveAttribute('tabindex', '-1');
    });

    it('checks and clears a focused feature row with Space and Enter', async () => {
      const { user, onChange } = renderTree();
      await user.click(screen.getByRole('textbox', { name: 'Filter features' }));
      await user.tab();
      await user.keyboard('{ArrowDown}{ArrowDown}');
      expect(item('render')).toHaveFocus();
      await user.keyboard(' ');
      expect(onChange).toHaveBeenLastCalledWith(['feat-render']);
      expect(checkbox('cad-suite / render')).toBeChecked();
      expect(item('render')).toHaveAttribute('aria-checked', 'true');
      expect(item('cad-suite')).toHaveAttribute('aria-checked', 'mixed');
      await user.keyboard('{Enter}');
      expect(onChange).toHaveBeenLastCalledWith([]);
      expect(item('render')).toHaveAttribute('aria-checked', 'false');
      expect(item('cad-suite')).toHaveAttribute('aria-checked', 'false');
    });

    it('checks every feature of a focused product row with Space, and clears them with Space again', async () => {
      const { user, onChange } = renderTree({ initial: ['feat-export'] });
      await user.click(screen.getByRole('textbox', { name: 'Filter features' }));
      await user.tab();
      expect(item('cad-suite')).toHaveFocus();
      await user.keyboard(' ');
      expect(onChange).toHaveBeenLastCalledWith(['feat-render', 'feat-export']);
      expect(item('cad-suite')).toHaveAttribute('aria-checked', 'true');
      // Space checks, it does not collapse the product.
      expect(checkbox('cad-suite / render')).toBeChecked();
      await user.keyboard(' ');
      expect(onChange).toHaveBeenLastCalledWith([]);
    });

    it('toggles a focused checkbox once with Space, and Enter on it does not submit the form', async () => {
      const onSubmit = vi.fn((e: { preventDefault: () => void }) => e.preventDefault());
      const onChange = vi.fn<(ids: string[]) => void>();
      const { user } = renderWithProviders(
        <form onSubmit={onSubmit}>
          <Harness onChange={onChange} />
        </form>,
      );
      checkbox('viewer / view').focus();
      await user.keyboard(' ');
      expect(onChange).toHaveBeenLastCalledWith(['feat-view']);
      await user.keyboard('{Enter}');
      expect(onChange).toHaveBeenLastCalledWith([]);
      expect(onSubmit).not.toHaveBeenCalled();
    });

    it('changes nothing by keyboard when disabled', async () => {
      const { user, onChange } = renderTree({ disabled: true });
      await user.click(screen.getByRole('textbox', { name: 'Filter features' }));
      await user.tab();
      await user.keyboard(' {Enter}');
      expect(onChange).not.toHaveBeenCalled();
      expect(item('cad-suite')).toHaveAttribute('aria-disabled', 'true');
    });
  });
});
