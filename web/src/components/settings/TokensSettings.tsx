import { Badge, Button, Code, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { ApiToken } from '../../api/types';
import { formatDate, formatDateTime, fromNow } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useApi } from '../../lib/useApi';
import { useConfirmation } from '../../lib/useConfirmation';
import { usePage } from '../../lib/usePage';
import { ConfirmAction } from '../ConfirmAction';
import { DetailSection } from '../detail/DetailSection';
import { ResourceList } from '../list/ResourceList';
import { actionsColumn, type Column } from '../list/ResourceTable';
import { RowAction } from '../RowActions';
import { NewTokenModal } from './NewTokenModal';
import { ROLE_COLOR } from './roles';

const PAGE_SIZE = 25;

const COLUMNS: Column<ApiToken>[] = [
  { header: 'Name', cell: (token) => token.name },
  {
    header: 'Role',
    cell: (token) => (
      <Badge variant="light" color={ROLE_COLOR[token.role]}>
        {token.role}
      </Badge>
    ),
  },
  {
    header: 'Created by',
    cell: (token) =>
      token.createdBy ? (
        token.createdBy.username
      ) : (
        <Tooltip label="Made with leasehold token create (or before creators were recorded); not bound to a user">
          <Text span size="sm" c="dimmed">
            Operator (CLI)
          </Text>
        </Tooltip>
      ),
  },
  { header: 'Created', cell: (token) => formatDate(token.createdAt) },
  {
    header: 'Expires',
    cell: (token) =>
      token.expired ? (
        <Tooltip label={`Expired ${formatDateTime(token.expiresAt)}: it is refused; revoke it or make a new one`}>
          <Badge variant="light" color="red">
            Expired
          </Badge>
        </Tooltip>
      ) : token.expiresAt ? (
        <Tooltip label={formatDateTime(token.expiresAt)}>
          <span>{formatDate(token.expiresAt)}</span>
        </Tooltip>
      ) : (
        <Text span size="sm" c="dimmed">
          Never
        </Text>
      ),
  },
  {
    header: 'Last used',
    cell: (token) =>
      token.lastUsedAt ? (
        <Tooltip label={formatDateTime(token.lastUsedAt)}>
          <span>{fromNow(token.lastUsedAt)}</span>
        </Tooltip>
      ) : (
        'Never'
      ),
  },
];

/** Owner only: API tokens for scripts and integrations. */
export function TokensSettings() {
  const paging = usePage(PAGE_SIZE);
  const tokens = useApi((signal) => api.tokens.list({ limit: paging.limit, offset: paging.offset }, signal), [paging.offset]);
  const [creating, setCreating] = useState(false);
  const revocation = useConfirmation<ApiToken>();

  const revoke = actionsColumn<ApiToken>(
    (token) => <RowAction tooltip="Revoke" label={`Revoke token ${token.name}`} icon={<IconTrash size={16} />} color="red" onClick={() => revocation.ask(token)} />,
    60,
  );

  return (
    <DetailSection
      title="API tokens"
      loading={tokens.loading}
      loadingLabel="Loading tokens"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      }
      description={
        <>
          Tokens let scripts call the admin API with <Code>Authorization: Bearer</Code>, with the rights of their role, never more than the user who made them has now. A token is deleted with that
          user.
        </>
      }
    >
      <ResourceList
        resource={tokens}
        paging={paging}
        noun="tokens"
        label="API tokens"
        minWidth={600}
        columns={[...COLUMNS, revoke]}
        rowKey={(token) => token.id}
        empty="No API tokens."
        emptyPadding="md"
      />
      <NewTokenModal opened={creating} onClose={() => setCreating(false)} onCreated={tokens.reload} />
      <ConfirmAction
        confirmation={revocation}
        title={(token) => `Revoke the API token ${token.name}?`}
        confirmLabel="Revoke token"
        onConfirm={async (token) => {
          await api.tokens.remove(token.id);
          notifySuccess(`Revoked ${token.name}`);
          tokens.reload();
        }}
      >
        {(token) => (
          <>
            Whatever uses <b>{token.name}</b> stops working at once.
          </>
        )}
      </ConfirmAction>
    </DetailSection>
  );
}
