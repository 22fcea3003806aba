// Naming conventions that would split one entity over several slots: `user:1000:cart` (no tag, or
// `{user:1000}` after a rename), `user:{1000}:wishlist` (tag `1000`) and `{user1000}.recent` (tag
// `user1000`) hash one user's keys three ways. Patterns are grouped by their leading word; a word whose
// patterns place its entity's id in more than one form is flagged, with the forms.

export interface ConventionClash {
  word: string;
  /** The forms, e.g. `user:<id>`, `user:{<id>}`, `{user<id>}`, each with a pattern that uses it. */
  forms: { form: string; example: string }[];
}

/** The form of the first variable part: where the id stands, and whether braces are around it. */
function formOf(pattern: string): { word: string; form: string } | null {
  // `{user17}.recent`: the id is glued to the word inside the tag (the pattern keeps the digits).
  const glued = /^\{([A-Za-z_]+)\d+\}/.exec(pattern);
  if (glued) return { word: glued[1], form: `{${glued[1]}<id>}` };
  const m = /^(\{?)([A-Za-z_]+)(\}?)([:./|#-])(\{?)(<[a-z]+>)(\}?)/.exec(pattern);
  if (!m) return null;
  return { word: m[2], form: `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}${m[7]}` };
}

export function conventionClashes(patterns: Iterable<string>): ConventionClash[] {
  const byWord = new Map<string, Map<string, string>>();
  for (const p of patterns) {
    const f = formOf(p);
    if (!f) continue;
    const forms = byWord.get(f.word) ?? byWord.set(f.word, new Map()).get(f.word)!;
    if (!forms.has(f.form)) forms.set(f.form, p);
  }
  return [...byWord]
    .filter(([, forms]) => forms.size > 1)
    .map(([word, forms]) => ({ word, forms: [...forms].sort().map(([form, example]) => ({ form, example })) }))
    .sort((a, b) => a.word.localeCompare(b.word));
}
