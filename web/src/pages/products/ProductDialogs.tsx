import { api } from '../../api/endpoints';
import type { Feature, Product } from '../../api/types';
import { ConfirmAction } from '../../components/ConfirmAction';
import { NameDescriptionModal } from '../../components/NameDescriptionModal';
import type { Confirmation } from '../../lib/useConfirmation';

/** A product or feature being created (without one) or edited. */
export type Editing = { kind: 'product'; product?: Product } | { kind: 'feature'; product: Product; feature?: Feature };

export interface ProductDialogsProps {
  editing: Editing | null;
  onCloseEditing: () => void;
  productDeletion: Confirmation<Product>;
  featureDeletion: Confirmation<{ product: Product; feature: Feature }>;
  /** After any change: says what was done and reloads the list. */
  onSaved: (message: string) => void;
}

/** Creating, editing and deleting products and features. */
export function ProductDialogs({ editing, onCloseEditing, productDeletion, featureDeletion, onSaved }: ProductDialogsProps) {
  const product = editing?.kind === 'product' ? editing : null;
  const feature = editing?.kind === 'feature' ? editing : null;
  return (
    <>
      <NameDescriptionModal
        opened={product !== null}
        onClose={onCloseEditing}
        title={product?.product ? `Edit product ${product.product.name}` : 'New product'}
        submitLabel={product?.product ? 'Save' : 'Create product'}
        nameLabel="Product name"
        nameDescription="What applications see: letters, digits, _ . - ; unique in your organization."
        initial={product?.product}
        renameWarning={(from, to) =>
          `Applications ask for products by name: those that check ${from} no longer find it once it is ${to}. Leases signed before keep the name ${from} until they are renewed.`
        }
        onSubmit={async (values) => {
          if (!product) return;
          if (product.product) {
            const p = await api.products.update(product.product.id, values);
            onSaved(`Saved product ${p.name}`);
          } else {
            const p = await api.products.create(values);
            onSaved(`Created product ${p.name}`);
          }
        }}
      />
      <NameDescriptionModal
        opened={feature !== null}
        onClose={onCloseEditing}
        title={feature ? (feature.feature ? `Edit feature ${feature.product.name}/${feature.feature.name}` : `New feature of ${feature.product.name}`) : ''}
        submitLabel={feature?.feature ? 'Save' : 'Create feature'}
        nameLabel="Feature name"
        nameDescription="Letters, digits, _ . - ; unique within the product."
        initial={feature?.feature}
        renameWarning={(from, to) =>
          `Applications check features by name: those that check ${feature?.product.name}/${from} no longer find it once it is ${to}. Leases signed before keep the name ${from} until they are renewed.`
        }
        onSubmit={async (values) => {
          if (!feature) return;
          if (feature.feature) {
            const f = await api.features.update(feature.feature.id, values);
            onSaved(`Saved feature ${f.name}`);
          } else {
            const f = await api.features.create(feature.product.id, values);
            onSaved(`Created feature ${f.name}`);
          }
        }}
      />
      <ConfirmAction
        confirmation={productDeletion}
        title={(p) => `Delete the product ${p.name}?`}
        confirmLabel="Delete product"
        onConfirm={async (p) => {
          await api.products.remove(p.id);
          onSaved(`Deleted product ${p.name}`);
        }}
      >
        {(p) => (
          <>
            The product <b>{p.name}</b> is deleted with all of its features. This is refused while a license grants one of them.
          </>
        )}
      </ConfirmAction>
      <ConfirmAction
        confirmation={featureDeletion}
        title={({ product: p, feature: f }) => `Delete the feature ${p.name}/${f.name}?`}
        confirmLabel="Delete feature"
        onConfirm={async ({ feature: f }) => {
          await api.features.remove(f.id);
          onSaved(`Deleted feature ${f.name}`);
        }}
      >
        {({ product: p, feature: f }) => (
          <>
            The feature{' '}
            <b>
              {p.name}/{f.name}
            </b>{' '}
            is deleted. This is refused while a license grants it.
          </>
        )}
      </ConfirmAction>
    </>
  );
}
