import { ScrollView, View, Text } from '@tarojs/components';
import './index.scss';

export interface ChipOption {
  value: string;
  label: string;
}

export interface FilterChipsProps {
  options: readonly ChipOption[];
  value: string;
  onChange: (value: string) => void;
  /** Names the row (`filter-chips--<name>`), for styles and tests. */
  name: string;
}

/** One row of choices that scrolls sideways; the chosen one has `filter-chip--selected`. */
export default function FilterChips({ options, value, onChange, name }: FilterChipsProps) {
  return (
    // The row scrolls: it takes the keyboard focus (H5), so the keyboard can scroll it too.
    <ScrollView scrollX className={`filter-chips filter-chips--${name}`} {...({ tabIndex: 0 } as object)}>
      <View className='filter-chips__row'>
        {options.map((option) => (
          <View
            key={option.value}
            className={`filter-chip${option.value === value ? ' filter-chip--selected' : ''}`}
            role='button'
            aria-pressed={option.value === value}
            onClick={() => onChange(option.value)}
          >
            <Text>{option.label}</Text>
          </View>
        ))}
      </View>
    </ScrollView>
  );
}
