import { Anchor } from '@mantine/core';
import { Link } from 'react-router';

/**
 * A customer's name, linking to the customer. The name comes with what is shown (a license carries
 * its customer's name), so a list of licenses makes no request per row.
 */
export function CustomerName({ id, name, link = true }: { id: string; name: string; link?: boolean }) {
  if (!link) return <>{name}</>;
  return (
    <Anchor component={Link} to={`/customers/${encodeURIComponent(id)}`} size="sm" onClick={(e) => e.stopPropagation()}>
      {name}
    </Anchor>
  );
}
