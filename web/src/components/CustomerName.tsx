import { Anchor, Skeleton } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { customerById } from '../api/endpoints';
import type { Customer } from '../api/types';

/** A customer's name by id (looked up once and cached), linking to the customer. */
export function CustomerName({ id, link = true }: { id: string; link?: boolean }) {
  const [customer, setCustomer] = useState<Customer | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void customerById(id).then((c) => live && setCustomer(c));
    return () => {
      live = false;
    };
  }, [id]);
  if (customer === undefined) return <Skeleton height={14} width={120} radius="sm" />;
  const name = customer?.name ?? 'Unknown customer';
  if (!link) return <>{name}</>;
  return (
    <Anchor component={Link} to={`/customers/${encodeURIComponent(id)}`} size="sm" onClick={(e) => e.stopPropagation()}>
      {name}
    </Anchor>
  );
}
