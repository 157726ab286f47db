// A labelled headline number, the summary unit of every screen.
export function StatTile({ label, value, hint, compact = false }: { label: string; value: string; hint?: string; compact?: boolean }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={compact ? 'stat-value stat-value-compact' : 'stat-value'} title={value}>
        {value}
      </div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}
