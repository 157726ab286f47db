// A labelled dropdown over a closed set of values: the control of every analysis option bar.
export interface OptionChoice<T extends string> {
  value: T;
  label: string;
}

export interface OptionSelectProps<T extends string> {
  label: string;
  value: T;
  choices: readonly OptionChoice<T>[];
  onChange: (value: T) => void;
  testId?: string;
}

export function OptionSelect<T extends string>({ label, value, choices, onChange, testId }: OptionSelectProps<T>) {
  return (
    <label className="option-field">
      <span className="field-label">{label}</span>
      <select
        value={value}
        data-testid={testId}
        onChange={(event) => {
          const chosen = choices.find((choice) => choice.value === event.target.value);
          if (chosen) onChange(chosen.value);
        }}
      >
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
