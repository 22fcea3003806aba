// The plan's defaults, apart from make-plan so the CLI can show them in --help without loading the planner.
export const PLAN_DEFAULTS = { shards: 3, ownWriteWindowMs: 100, maxSkew: 1.2 } as const;
