import { Alert, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { api } from '../api/endpoints';
import type { Customer } from '../api/types';
import { formatDate } from '../lib/format';

/** The form of a name the server compares for `name=`: case and surrounding spaces do not count. */
export function sameNameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** The other customers already named `name` (in any case): two customers may share a name, but it is usually a mistake. */
export async function customersNamed(name: string, exceptId?: string): Promise<Customer[]> {
  const found = await api.customers.list({ name: name.trim(), limit: 10 });
  return found.items.filter((c) => c.id !== exceptId);
}

/** The warning shown before a customer takes a name others already have; the user may go on. */
export function SameNameWarning({ customers, action }: { customers: Customer[]; action: string }) {
  const title = customers.length === 1 ? `A customer named “${customers[0]!.name}” already exists` : `${customers.length} customers already have this name`;
  return (
    <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title={title} role="status">
      <List size="sm">
        {customers.map((c) => (
          <List.Item key={c.id}>
            {c.name}
            {c.contactEmail ? ` (${c.contactEmail})` : ''}, created {formatDate(c.createdAt)}
          </List.Item>
        ))}
      </List>
      Customers may share a name. Press {action} to go on, or change the name.
    </Alert>
  );
}
