import { View, Text } from '@tarojs/components';
import { pressable } from '@/components/button/keyboard';
import FieldError from '@/components/field-error';
import { RELATIONSHIP_LABELS, type Relationship } from '@/rules/relationship';
import './index.scss';

export interface RelationshipPickerProps {
  options: readonly Relationship[];
  value: Relationship | null;
  onChange: (value: Relationship) => void;
  error?: string | null;
  /** Under the options: what the region allows. */
  note?: string | null;
  label?: string;
}

/** The relationship as chips; each chip has the class `relationship-option--<value>`. */
export default function RelationshipPicker({ options, value, onChange, error, note, label = '与您的关系' }: RelationshipPickerProps) {
  return (
    <View className={`relationship-picker${error ? ' relationship-picker--error' : ''}`}>
      <Text className='relationship-picker__label'>{label}</Text>
      <View className='relationship-picker__options'>
        {options.map((option) => (
          <View
            key={option}
            className={`relationship-option relationship-option--${option}${value === option ? ' relationship-option--selected' : ''}`}
            role='button'
            aria-pressed={value === option}
            onClick={() => onChange(option)}
            {...pressable(() => onChange(option))}
          >
            <Text>{RELATIONSHIP_LABELS[option]}</Text>
          </View>
        ))}
      </View>
      {note && <View className='relationship-picker__note'>{note}</View>}
      <FieldError message={error} />
    </View>
  );
}
