import { Button, Group, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconCalendarPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { LicenseBulkResult } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { notifySuccess } from '../../lib/notify';

const plural = (n: number) => `${n} license${n === 1 ? '' : 's'}`;

type Mode = 'days' | 'until';

/** What an extension left alone, said plainly after it ran. */
function extendedMessage(result: LicenseBulkResult): string {
  const left = result.unchanged.length;
  return `Extended ${plural(result.changed)}${left > 0 ? `; ${plural(left)} left as ${left === 1 ? 'it was' : 'they were'} (perpetual, or ending later already)` : ''}`;
}

/**
 * The actions on the selected licenses: extend their expiry (by days, or to a date) and delete
 * them, each after a dialog that says what will happen to how many. The server applies either to
 * all of them or, when one is gone meanwhile, to none.
 */
export function BulkActions({ ids, onDone }: { ids: readonly string[]; onDone: () => void }) {
  const [open, setOpen] = useState<'extend' | 'delete' | null>(null);
  const [mode, setMode] = useState<Mode>('days');
  const [days, setDays] = useState<number | string>(30);
  const [until, setUntil] = useState('');
  const count = ids.length;
  const ready = mode === 'days' ? Number.isInteger(Number(days)) && Number(days) >= 1 : until !== '';
  if (count === 0) return null;

  const extend = async () => {
    if (!ready) throw new Error(mode === 'days' ? 'Give a whole number of days, 1 or more.' : 'Choose the new expiry date.');
    const body =
      mode === 'days' ? { action: 'extend' as const, ids: [...ids], days: Number(days) } : { action: 'extend' as const, ids: [...ids], until: new Date(`${until}T23:59:59.999`).toISOString() };
    const result = await api.licenses.bulk(body);
    notifySuccess(extendedMessage(result));
    onDone();
  };

  const remove = async () => {
    const result = await api.licenses.bulk({ action: 'delete', ids: [...ids] });
    notifySuccess(`Deleted ${plural(result.changed)}`);
    onDone();
  };

  return (
    <Group gap="sm" mb="sm" role="group" aria-label="Selected licenses">
      <Text size="sm" fw={500}>
        {count} selected
      </Text>
      <Button size="compact-sm" variant="light" leftSection={<IconCalendarPlus size={16} aria-hidden="true" />} onClick={() => setOpen('extend')}>
        Extend expiry
      </Button>
      <Button size="compact-sm" variant="light" color="red" leftSection={<IconTrash size={16} aria-hidden="true" />} onClick={() => setOpen('delete')}>
        Delete
      </Button>

      <ConfirmModal opened={open === 'extend'} onClose={() => setOpen(null)} title="Extend expiry" confirmLabel={`Extend ${plural(count)}`} color="blue" onConfirm={extend}>
        <Stack gap="sm">
          <SegmentedControl
            aria-label="Extend how"
            value={mode}
            onChange={setMode}
            data={[
              { value: 'days', label: 'By days' },
              { value: 'until', label: 'To a date' },
            ]}
          />
          {mode === 'days' ? (
            <NumberInput label="Days" min={1} max={36500} value={days} onChange={setDays} allowDecimal={false} />
          ) : (
            <TextInput label="New expiry" type="date" value={until} onChange={(event) => setUntil(event.currentTarget.value)} />
          )}
          <Text size="sm">
            {mode === 'days'
              ? `Extend the expiry of ${plural(count)} by ${days} day(s). A license that has expired gets the days from now.`
              : `Set the expiry of ${plural(count)} to the end of ${until || 'the date chosen'}, where they end before it; none is shortened.`}{' '}
            Perpetual licenses stay perpetual.
          </Text>
        </Stack>
      </ConfirmModal>

      <ConfirmModal opened={open === 'delete'} onClose={() => setOpen(null)} title="Delete licenses" confirmLabel={`Delete ${plural(count)}`} onConfirm={remove}>
        Delete {plural(count)}? Their key codes stop working and their active leases are revoked at once. This cannot be undone.
      </ConfirmModal>
    </Group>
  );
}
