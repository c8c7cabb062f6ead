import { CloseButton, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';

/** A search box that reports its text after the user pauses typing. */
export function SearchInput({ value, onChange, label, placeholder, delay = 300 }: { value: string; onChange: (value: string) => void; label: string; placeholder?: string; delay?: number }) {
  const [text, setText] = useState(value);
  const report = useDebouncedCallback((next: string) => onChange(next), delay);
  // The value changed from outside (cleared filters, the back button): show it.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  return (
    <TextInput
      aria-label={label}
      placeholder={placeholder ?? label}
      leftSection={<IconSearch size={16} />}
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        report(event.currentTarget.value.trim());
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          report.cancel();
          onChange(text.trim());
        }
      }}
      rightSection={
        text ? (
          <CloseButton
            size="sm"
            aria-label="Clear search"
            onClick={() => {
              report.cancel();
              setText('');
              onChange('');
            }}
          />
        ) : null
      }
      style={{ flex: 1, minWidth: 220 }}
    />
  );
}
