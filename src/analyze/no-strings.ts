// One shared, frozen empty list for what a tracker hands out when it kept nothing: no array per call,
// and nothing handed out is ever written to later.
export const NO_STRINGS: readonly string[] = Object.freeze([]);
