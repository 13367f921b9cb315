import { ScrollView, View, Text } from '@tarojs/components';
import { pressable } from '@/components/button/keyboard';
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
    // The row scrolls sideways; each chip takes the keyboard focus (H5), which scrolls it into view.
    <ScrollView scrollX className={`filter-chips filter-chips--${name}`}>
      <View className='filter-chips__row'>
        {options.map((option) => (
          <View
            key={option.value}
            className={`filter-chip${option.value === value ? ' filter-chip--selected' : ''}`}
            role='button'
            aria-pressed={option.value === value}
            onClick={() => onChange(option.value)}
            {...pressable(() => onChange(option.value))}
          >
            <Text>{option.label}</Text>
          </View>
        ))}
      </View>
    </ScrollView>
  );
}
