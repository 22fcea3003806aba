// Cross-slot occurrences by kind: what the plan predicts before and after its changes, and what each fixes.
export interface CrossSlotCounts {
  commands: number;
  transactions: number;
  scripts: number;
}

export const noCounts = (): CrossSlotCounts => ({ commands: 0, transactions: 0, scripts: 0 });
