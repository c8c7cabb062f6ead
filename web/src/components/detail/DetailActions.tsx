import { Button } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { Link } from 'react-router';

/** "Edit" in a detail page's header: a link to the edit form, or a button that opens a dialog. */
export function EditButton(props: { to: string } | { onClick: () => void }) {
  const icon = <IconPencil size={16} />;
  return 'to' in props ? (
    <Button component={Link} to={props.to} variant="default" leftSection={icon}>
      Edit
    </Button>
  ) : (
    <Button variant="default" leftSection={icon} onClick={props.onClick}>
      Edit
    </Button>
  );
}

/** "Delete" in a detail page's header; it opens the confirmation. */
export function DeleteButton({ onClick }: { onClick: () => void }) {
  return (
    <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={onClick}>
      Delete
    </Button>
  );
}
