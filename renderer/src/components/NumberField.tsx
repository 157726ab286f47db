// A whole-number option typed in a field (a churn window, a number of days): anything but digits is
// dropped as typed, and an empty field leaves the analysis its own default, shown as the placeholder.

/** A positive whole number typed in a field, or undefined (the analysis's default). */
export function positiveWhole(text: string): number | undefined {
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export function NumberField({ label, value, placeholder, onChange, testId }: { label: string; value: string; placeholder: string; onChange: (text: string) => void; testId: string }) {
  return (
    <label className="option-field">
      <span className="field-label">{label}</span>
      <input className="number-input" inputMode="numeric" value={value} placeholder={placeholder} onChange={(event) => onChange(event.target.value.replace(/\D/g, ''))} data-testid={testId} />
    </label>
  );
}
